// Merged reads for publishers (as SRS's "mr"): a publishing socket that was just read is not read again
// until the next tick of one shared timer, so everything that arrived on every publisher in between is
// read in one wake-up of the event loop.
//
// An encoder writes each audio and video frame as it comes (about 80 writes a second for 30 fps video
// with AAC), and each write wakes the event loop on its own: at N publishers, ~80 N wake-ups a second,
// each a context switch (expensive on a VM) plus libuv's and Node's per-callback work. A socket paused
// after its read wakes the loop once more when its next bytes arrive (libuv then takes it out of epoll)
// and is read again at the tick, so ingest wakes the loop about (N + 1) x 1000 / intervalMs times a
// second, whatever the frame rate (bench/README.md, tenth round: half the CPU at 25 publishers).
// The cost is latency: media waits up to one interval in the kernel's socket buffer (which keeps
// acknowledging, so the encoder is not slowed). Parts are hundreds of ms, so a tick of a few tens of ms
// moves a part's publication by at most that much.
import type { Socket } from 'node:net';

export class ReadPacer {
  private readonly held = new Set<Socket>();
  private timer: NodeJS.Timeout | undefined;

  /** `intervalMs` 0: never hold (every read is handled as it arrives). */
  constructor(private readonly intervalMs: number) {}

  /**
   * Called after a read of `socket` was handled: whether to keep reading now. False means the socket is
   * held (its reading stopped by the caller) and `resume()`d at the next tick.
   */
  hold(socket: Socket): boolean {
    if (this.intervalMs <= 0) return true;
    this.held.add(socket);
    if (!this.timer) {
      this.timer = setInterval(() => this.release(), this.intervalMs);
      this.timer.unref();
    }
    return false;
  }

  /** The socket is gone: drop it now rather than at the next tick. */
  forget(socket: Socket): void {
    this.held.delete(socket);
  }

  /** Sockets held right now. */
  get holding(): number {
    return this.held.size;
  }

  private release(): void {
    if (this.held.size === 0) {
      // Nobody to wake: no timer while no publisher sends.
      clearInterval(this.timer);
      this.timer = undefined;
      return;
    }
    for (const socket of this.held) if (!socket.destroyed) socket.resume();
    this.held.clear();
  }
}
