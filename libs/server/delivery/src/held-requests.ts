/** Which bound a request met (also the `limit` label of the counter of requests answered without holding). */
export type HoldLimit = 'per_ip' | 'total';

/** A held request's claim; `release` gives it back (once; later calls do nothing). */
export interface HoldPermit {
  release(): void;
}

export type HoldDecision = { permit: HoldPermit } | { refused: HoldLimit };

/**
 * Bounds the requests a node holds open waiting for media that does not exist yet (LL-HLS blocking
 * playlist reloads, preload-hinted parts): per client address and in total. A client address past its
 * bound is answered at once instead of held, so one address opening thousands of them can neither
 * exhaust the node's waiters nor make other viewers wait. Pure bookkeeping, O(1) per request.
 */
export class HeldRequests {
  private total = 0;
  private readonly perAddress = new Map<string, number>();

  constructor(
    readonly maxTotal: number,
    readonly maxPerAddress: number,
  ) {}

  tryHold(address: string): HoldDecision {
    const current = this.perAddress.get(address) ?? 0;
    if (current >= this.maxPerAddress) return { refused: 'per_ip' };
    if (this.total >= this.maxTotal) return { refused: 'total' };
    this.perAddress.set(address, current + 1);
    this.total++;
    let released = false;
    return {
      permit: {
        release: () => {
          if (released) return;
          released = true;
          this.total--;
          const left = (this.perAddress.get(address) ?? 1) - 1;
          if (left === 0) this.perAddress.delete(address);
          else this.perAddress.set(address, left);
        },
      },
    };
  }

  /** Requests holding a permit now. */
  get held(): number {
    return this.total;
  }

  heldBy(address: string): number {
    return this.perAddress.get(address) ?? 0;
  }
}
