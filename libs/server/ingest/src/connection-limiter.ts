/** Admission control for TCP connections: a global cap and a per-address cap. */
export class ConnectionLimiter {
  private total = 0;
  private readonly perAddress = new Map<string, number>();

  constructor(
    private readonly maxTotal: number,
    private readonly maxPerAddress: number,
  ) {}

  /** Claims a slot, or says which limit refused it. */
  tryAcquire(address: string): 'ok' | 'max_connections' | 'max_connections_per_ip' {
    if (this.total >= this.maxTotal) return 'max_connections';
    const current = this.perAddress.get(address) ?? 0;
    if (current >= this.maxPerAddress) return 'max_connections_per_ip';
    this.total++;
    this.perAddress.set(address, current + 1);
    return 'ok';
  }

  release(address: string): void {
    const current = this.perAddress.get(address) ?? 0;
    if (current <= 0) return;
    this.total--;
    if (current === 1) this.perAddress.delete(address);
    else this.perAddress.set(address, current - 1);
  }

  get open(): number {
    return this.total;
  }
}
