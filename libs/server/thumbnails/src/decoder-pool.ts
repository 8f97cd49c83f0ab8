import { ThumbnailError, type ThumbnailErrorCode } from './thumbnail-error.js';

export interface DecoderPoolLimits {
  /** Decodes running at once (each one is a child process). */
  maxConcurrent: number;
  /** Decodes waiting for a free decoder; past it a new decode is refused (`busy`). */
  maxQueue: number;
  /** A decode running longer is aborted (`timeout`); one waiting longer for a decoder is dropped (`busy`). */
  timeoutMs: number;
}

export type DecodeOutcome = 'ok' | ThumbnailErrorCode;

/** What the pool tells its owner (metrics); every hook is optional. */
export interface DecoderPoolObserver {
  /** Running or queued decodes changed. */
  load?(running: number, queued: number): void;
  started?(): void;
  /** A decode ended, after its decoder did (a timed-out one once its process is gone). */
  finished?(outcome: DecodeOutcome, seconds: number): void;
  /** A request joined a decode of the same key already queued or running. */
  shared?(): void;
  rejected?(reason: 'queue_full' | 'waited_too_long'): void;
}

/** Turns prepared input into an image; must give up when `signal` aborts (kill its process). */
export type Decode<I> = (input: I, signal: AbortSignal) => Promise<Buffer>;
/** Gets a decode's input once it has a decoder (so queued decodes hold no media). */
export type PrepareInput<I> = (signal: AbortSignal) => I | Promise<I>;

interface Waiting {
  start: () => void;
  timer: NodeJS.Timeout;
}

/**
 * Runs decodes with a global bound on how many run at once, a bounded FIFO queue behind it, a time limit
 * on both the wait and the decode, and single flight: requests for a key whose decode is queued or running
 * share it, so a hundred viewers of one keyframe cost one decode. A timed-out decode keeps its slot until
 * its decoder has actually stopped, so the bound holds for processes, not just for promises.
 */
export class DecoderPool<I> {
  private readonly inflight = new Map<string, Promise<Buffer>>();
  private readonly queue: Waiting[] = [];
  private active = 0;
  private peak = 0;

  constructor(
    private readonly limits: DecoderPoolLimits,
    private readonly decode: Decode<I>,
    private readonly observer: DecoderPoolObserver = {},
  ) {}

  /** The image for `key`: shared with a decode of the same key in progress, else decoded from `input`. */
  run(key: string, input: PrepareInput<I>): Promise<Buffer> {
    const existing = this.inflight.get(key);
    if (existing) {
      this.observer.shared?.();
      return existing;
    }
    if (this.active >= this.limits.maxConcurrent && this.queue.length >= this.limits.maxQueue) {
      this.observer.rejected?.('queue_full');
      return Promise.reject(new ThumbnailError('busy', 'every decoder is busy and the queue is full'));
    }
    const image = new Promise<Buffer>((resolve, reject) => {
      const start = () => this.execute(input, resolve, reject);
      if (this.active < this.limits.maxConcurrent) return start();
      const waiting: Waiting = {
        start,
        timer: setTimeout(() => {
          this.queue.splice(this.queue.indexOf(waiting), 1);
          this.observer.rejected?.('waited_too_long');
          this.report();
          reject(new ThumbnailError('busy', `no decoder became free within ${this.limits.timeoutMs} ms`));
        }, this.limits.timeoutMs),
      };
      this.queue.push(waiting);
      this.report();
    }).finally(() => this.inflight.delete(key));
    this.inflight.set(key, image);
    return image;
  }

  get running(): number {
    return this.active;
  }

  get queued(): number {
    return this.queue.length;
  }

  /** The most decodes that ever ran at once. */
  get peakRunning(): number {
    return this.peak;
  }

  private execute(input: PrepareInput<I>, resolve: (image: Buffer) => void, reject: (error: unknown) => void): void {
    this.active++;
    this.peak = Math.max(this.peak, this.active);
    this.observer.started?.();
    this.report();
    const controller = new AbortController();
    const started = performance.now();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
      reject(new ThumbnailError('timeout', `the decode took longer than ${this.limits.timeoutMs} ms`));
    }, this.limits.timeoutMs);
    let outcome: DecodeOutcome = 'decode-failed';
    Promise.resolve()
      .then(() => input(controller.signal))
      .then((prepared) => this.decode(prepared, controller.signal))
      .then(
        (image) => {
          outcome = timedOut ? 'timeout' : 'ok';
          resolve(image);
        },
        (error: unknown) => {
          outcome = timedOut ? 'timeout' : error instanceof ThumbnailError ? error.code : 'decode-failed';
          reject(error);
        },
      )
      .finally(() => {
        clearTimeout(timer);
        this.active--;
        this.observer.finished?.(outcome, (performance.now() - started) / 1000);
        this.next();
      })
      .catch(() => undefined);
  }

  private next(): void {
    while (this.active < this.limits.maxConcurrent) {
      const waiting = this.queue.shift();
      if (!waiting) break;
      clearTimeout(waiting.timer);
      waiting.start();
    }
    this.report();
  }

  private report(): void {
    this.observer.load?.(this.active, this.queue.length);
  }
}
