interface Waiter {
  ready: () => boolean;
  resolve: (ready: boolean) => void;
  timer: NodeJS.Timeout;
}

/**
 * Requests held until something exists (a blocking playlist reload, a hinted part). Re-checked on
 * every packager event; each wait is bounded in time, and the number of waiters per stream in count.
 */
export class Waiters {
  private readonly waiting = new Set<Waiter>();

  constructor(private readonly maxWaiters = 20_000) {}

  /** Resolves true once `ready()` holds, false on timeout or when there are too many waiters. */
  wait(ready: () => boolean, timeoutMs: number): Promise<boolean> {
    if (ready()) return Promise.resolve(true);
    if (this.waiting.size >= this.maxWaiters) return Promise.resolve(false);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        ready,
        resolve,
        timer: setTimeout(() => {
          this.waiting.delete(waiter);
          resolve(false);
        }, timeoutMs),
      };
      this.waiting.add(waiter);
    });
  }

  /** Something changed: release every waiter whose condition now holds. */
  check(): void {
    for (const waiter of this.waiting) {
      if (!waiter.ready()) continue;
      clearTimeout(waiter.timer);
      this.waiting.delete(waiter);
      waiter.resolve(true);
    }
  }

  /** Release everyone (stream gone): they re-evaluate and answer. */
  releaseAll(): void {
    for (const waiter of this.waiting) {
      clearTimeout(waiter.timer);
      waiter.resolve(waiter.ready());
    }
    this.waiting.clear();
  }

  get size(): number {
    return this.waiting.size;
  }
}
