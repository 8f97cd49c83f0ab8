import { performance } from 'node:perf_hooks';
import type { Logger } from '@rapidrtmp/server-logging';
import type { MetricsRegistry } from '@rapidrtmp/server-metrics';
import { backoffDelayMs } from '@rapidrtmp/server-retry';
import { contentTypeFor } from './content-type.js';
import { objectKeyProblem } from './object-key.js';
import type { ObjectStore } from './object-store.js';
import { InvalidObjectKeyError, StorageUnavailableError } from './storage-errors.js';
import { createStorageMetrics, type StorageMetrics } from './storage-metrics.js';
import { KeyVersions } from './key-versions.js';
import { type SpoolEntry, UploadSpool } from './upload-spool.js';
import {
  type DrainResult,
  type EnqueueOptions,
  type ResolvedWriteBehindOptions,
  resolveWriteBehindOptions,
  type UploadDropReason,
  type WriteBehindOptions,
} from './write-behind-options.js';

interface Callbacks {
  onStored?: (key: string) => void;
  onFailed?: (reason: UploadDropReason, error?: Error) => void;
}

interface Item extends Callbacks {
  key: string;
  parts: Buffer[];
  size: number;
  contentType: string;
  seq: number;
  attempts: number;
  /** Who may still read `parts`: the item's own place (queue, upload, spool write) and drain copies. */
  readers: number;
  onBytesDone?: () => void;
  /** Set when a drain spooled a copy while the upload was still in flight. */
  spoolCopy?: SpoolEntry;
  /** The write to the spool after the retries ran out, while it runs. */
  spooling?: Promise<boolean>;
}

type SpooledItem = SpoolEntry & Callbacks;

/** At most one spool replay kicked by a live success per this many ms (the timer does the rest). */
const REPLAY_KICK_MIN_INTERVAL_MS = 1000;

/**
 * Uploads objects behind the caller's back: `enqueue` returns at once and never throws. Items wait in a
 * FIFO bounded in bytes and are uploaded a few at a time, each retried with exponential backoff within a
 * budget of attempts and time. What still fails — and what does not fit in the queue — is written to a
 * bounded spool on local disk and retried from there periodically and at start-up; what does not fit in
 * the spool is dropped, logged, counted and reported through `onFailed`.
 *
 * Writes of one key keep their order: an item carries a sequence number, only one upload per key runs at
 * a time, and an older value (queued or spooled) is discarded once a newer one is enqueued, so a
 * late retry of an old playlist can never overwrite a newer one.
 */
export class WriteBehindUploader {
  private readonly options: ResolvedWriteBehindOptions;
  private readonly log: Logger;
  private readonly metrics: StorageMetrics;
  private readonly spool: UploadSpool;

  private readonly pending: Item[] = [];
  private readonly inFlight = new Set<Item>();
  private readonly versions = new KeyVersions();
  /** Spool entries by file name, oldest first. */
  private readonly spooled = new Map<string, SpooledItem>();
  private readonly sleepers = new Set<() => void>();
  private readonly idleWaiters = new Set<() => void>();
  private readonly spoolWrites = new Set<Promise<void>>();

  private queueBytes = 0;
  private peakBytes = 0;
  private closing = false;
  private spooledSinceClosing = 0;
  private started: Promise<void> | undefined;
  private replaying: Promise<void> | undefined;
  private lastReplayKick = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: ObjectStore,
    options: WriteBehindOptions,
    logger: Logger,
    metrics: MetricsRegistry,
  ) {
    this.options = resolveWriteBehindOptions(options);
    this.log = logger.child({ module: 'storage' });
    this.metrics = createStorageMetrics(metrics);
    this.spool = new UploadSpool(options.spoolDir, options.spoolMaxBytes);
  }

  /** Highest queue size in bytes since construction (memory held for uploads). */
  get peakQueueBytes(): number {
    return this.peakBytes;
  }

  get queuedBytes(): number {
    return this.queueBytes;
  }

  get queuedItems(): number {
    return this.pending.length + this.inFlight.size;
  }

  get spooledBytes(): number {
    return this.spool.bytes;
  }

  get spooledItems(): number {
    return this.spooled.size;
  }

  /** Opens the spool left by earlier runs, uploads it, and retries it every `spoolRetryIntervalMs`. */
  start(): Promise<void> {
    this.started ??= this.openSpool().then(() => {
      if (this.closing) return;
      this.timer = setInterval(() => void this.replay(), this.options.spoolRetryIntervalMs);
      this.timer.unref();
      void this.replay();
    });
    return this.started;
  }

  /**
   * Queues an upload and returns at once; never throws (outcomes arrive through the callbacks, never
   * during this call). The buffers are kept as they are, not copied: do not reuse them afterwards.
   */
  enqueue(key: string, body: Buffer | Buffer[], options: EnqueueOptions = {}): void {
    try {
      const problem = objectKeyProblem(key);
      if (problem !== undefined) {
        this.metrics.uploadFailures.inc({ reason: 'invalid-key' });
        // Callbacks never run inside enqueue: the caller may be in the middle of its own state change.
        queueMicrotask(() => {
          this.notify(options.onBytesDone);
          this.drop(options, String(key), 'invalid-key', new InvalidObjectKeyError(String(key), problem));
        });
        return;
      }
      const parts = Buffer.isBuffer(body) ? [body] : [...body];
      const item: Item = {
        key,
        parts,
        size: parts.reduce((sum, part) => sum + part.length, 0),
        contentType: options.contentType ?? contentTypeFor(key),
        seq: this.versions.next(key),
        attempts: 0,
        readers: 1,
        onStored: options.onStored,
        onFailed: options.onFailed,
        onBytesDone: options.onBytesDone,
      };
      this.discardOlderPending(key);
      if (this.closing || this.queueBytes + item.size > this.options.queueMaxBytes) {
        this.spoolLater(item, this.closing ? 'shutting down' : 'queue full');
        return;
      }
      this.pending.push(item);
      this.queueBytes += item.size;
      this.peakBytes = Math.max(this.peakBytes, this.queueBytes);
      this.updateQueueGauges();
      this.pump();
    } catch (error) {
      // Never reaches the caller (a live stream); logged as the bug it would be.
      this.log.error({ err: error }, 'write-behind enqueue failed');
    }
  }

  /**
   * For shutdown: new items go to the spool, failing uploads stop retrying, and whatever is not uploaded
   * within `timeoutMs` is written to the spool (uploaded on the next start). Stops the spool timer.
   */
  async drain(timeoutMs: number): Promise<DrainResult> {
    if (!this.closing) {
      this.closing = true;
      this.spooledSinceClosing = 0;
    }
    clearInterval(this.timer);
    for (const wake of this.sleepers) wake();
    await this.started?.catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const idle = await Promise.race([
      this.idle().then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
        timer.unref();
      }),
    ]);
    clearTimeout(timer);
    if (!idle) {
      const waiting = this.pending.splice(0);
      for (const item of waiting) this.queueBytes -= item.size;
      this.updateQueueGauges();
      const copies = [...this.inFlight].map(async (item) => {
        if (item.spooling) {
          await item.spooling;
          return;
        }
        // Still uploading: keep a copy in case the process exits first; a success removes it.
        item.readers++;
        const entry = await this.spool
          .write(item.key, item.contentType, item.seq, item.parts)
          .catch(() => undefined)
          .finally(() => this.letGo(item));
        if (entry && this.inFlight.has(item)) {
          item.spoolCopy = entry;
          this.spooled.set(entry.file, { ...entry, onStored: item.onStored, onFailed: item.onFailed });
          this.versions.hold(item.key);
          this.spooledSinceClosing += 1;
        } else if (entry) {
          await this.spool.remove(entry).catch(() => undefined);
        }
      });
      const spooled = waiting.map((item) => this.toSpool(item, 'shutting down').finally(() => this.letGo(item)));
      await Promise.all([...spooled, ...copies]);
    }
    // Spool writes of items that never entered the queue are local and short: let them finish. A spool
    // replay still running needs no wait: its entry stays on disk until the store has it.
    await Promise.all(this.spoolWrites);
    this.updateSpoolGauge();
    return { timedOut: !idle, spooled: this.spooledSinceClosing };
  }

  private async openSpool(): Promise<void> {
    try {
      for (const entry of await this.spool.open()) {
        this.spooled.set(entry.file, entry);
        this.versions.adopt(entry.key, entry.seq);
      }
      if (this.spooled.size > 0) {
        this.log.info(
          { items: this.spooled.size, bytes: this.spool.bytes },
          'uploads left in the spool by an earlier run',
        );
      }
    } catch (error) {
      this.log.error({ err: error, dir: this.options.spoolDir }, 'cannot open the upload spool');
    }
    this.updateSpoolGauge();
  }

  /** Starts uploads up to the concurrency, oldest first, skipping keys that already have one running. */
  private pump(): void {
    while (this.inFlight.size < this.options.concurrency) {
      const index = this.pending.findIndex((item) => !this.versions.busy.has(item.key));
      if (index < 0) break;
      const [item] = this.pending.splice(index, 1);
      if (!item) break; // unreachable: `index` was found above
      this.inFlight.add(item);
      this.versions.busy.add(item.key);
      void this.upload(item);
    }
    if (this.pending.length === 0 && this.inFlight.size === 0) {
      for (const wake of this.idleWaiters) wake();
      this.idleWaiters.clear();
    }
  }

  private async upload(item: Item): Promise<void> {
    const firstAttemptAt = Date.now();
    try {
      for (;;) {
        if (this.isSuperseded(item)) {
          this.dropLive(item, 'superseded');
          return;
        }
        item.attempts += 1;
        const started = performance.now();
        try {
          await this.store.put(item.key, item.parts, { contentType: item.contentType });
          this.metrics.uploadSeconds.observe((performance.now() - started) / 1000);
          if (item.spoolCopy) await this.forgetSpooled(item.spoolCopy);
          this.versions.release(item.key);
          this.notify(item.onStored, item.key);
          this.kickReplay();
          return;
        } catch (error) {
          const reason = failureReason(error);
          this.metrics.uploadFailures.inc({ reason });
          if (error instanceof InvalidObjectKeyError) {
            this.dropLive(item, 'invalid-key', error);
            return;
          }
          const delay = backoffDelayMs(item.attempts, this.options.backoffBaseMs, this.options.backoffMaxMs);
          const outOfBudget =
            item.attempts >= this.options.maxAttempts ||
            Date.now() - firstAttemptAt + delay > this.options.retryBudgetMs;
          if (outOfBudget || this.closing) {
            if (item.spoolCopy) {
              this.versions.release(item.key); // a drain already spooled it: the copy carries on
              return;
            }
            this.log.warn({ key: item.key, attempts: item.attempts, reason, err: error }, 'upload failed; spooling it');
            item.spooling = this.toSpool(item, 'retries exhausted', error as Error);
            await item.spooling;
            return;
          }
          this.log.debug(
            { key: item.key, attempts: item.attempts, reason, retryInMs: delay },
            'upload failed; retrying',
          );
          await this.sleep(delay);
        }
      }
    } finally {
      this.inFlight.delete(item);
      this.versions.busy.delete(item.key);
      this.queueBytes -= item.size;
      this.updateQueueGauges();
      this.letGo(item);
      this.pump();
    }
  }

  /** One reader of the item's buffers is done; the last one tells the owner they are free. */
  private letGo(item: Item): void {
    if (--item.readers > 0) return;
    const done = item.onBytesDone;
    item.onBytesDone = undefined;
    this.notify(done);
  }

  /** For items that never enter the queue: the spool write runs in the background (tracked for drain). */
  private spoolLater(item: Item, why: string): void {
    const write = this.toSpool(item, why).then(() => this.letGo(item));
    this.spoolWrites.add(write);
    void write.finally(() => this.spoolWrites.delete(write));
  }

  /** Writes an item to the spool; false when it was dropped or superseded instead. */
  private async toSpool(item: Item, why: string, lastError?: Error): Promise<boolean> {
    if (this.isSuperseded(item)) {
      this.dropLive(item, 'superseded');
      return false;
    }
    let entry: SpoolEntry | undefined;
    try {
      entry = await this.spool.write(item.key, item.contentType, item.seq, item.parts);
    } catch (error) {
      this.dropLive(item, 'spool-error', error as Error);
      return false;
    }
    if (!entry) {
      this.dropLive(item, 'spool-full', lastError);
      return false;
    }
    // The item's reference on its key passes to the spool entry.
    this.spooled.set(entry.file, { ...entry, onStored: item.onStored, onFailed: item.onFailed });
    if (this.closing) this.spooledSinceClosing += 1;
    item.parts = []; // the spool has it now; free the memory
    this.updateSpoolGauge();
    this.log.info({ key: item.key, why, spooledBytes: this.spool.bytes }, 'upload spooled to disk');
    return true;
  }

  /** Uploads spooled items oldest first, one at a time; stops at the first failure (the store is still down). */
  private replay(): Promise<void> {
    this.replaying ??= this.replayOnce().finally(() => {
      this.replaying = undefined;
    });
    return this.replaying;
  }

  private async replayOnce(): Promise<void> {
    for (const entry of [...this.spooled.values()]) {
      if (!this.spooled.has(entry.file)) continue;
      if (this.versions.isSuperseded(entry.key, entry.seq)) {
        await this.forgetSpooled(entry);
        this.notify(entry.onFailed, 'superseded');
        continue;
      }
      if (this.versions.busy.has(entry.key)) continue; // its newer value is uploading now
      this.versions.busy.add(entry.key);
      try {
        let body: Buffer;
        try {
          body = await this.spool.read(entry);
        } catch (error) {
          await this.forgetSpooled(entry);
          this.drop(entry, entry.key, 'spool-error', error as Error);
          continue;
        }
        try {
          await this.store.put(entry.key, body, { contentType: entry.contentType });
        } catch (error) {
          this.metrics.uploadFailures.inc({ reason: failureReason(error) });
          if (error instanceof InvalidObjectKeyError) {
            await this.forgetSpooled(entry);
            this.drop(entry, entry.key, 'invalid-key', error);
            continue;
          }
          this.log.debug({ err: error, items: this.spooled.size }, 'spool retry failed; trying again later');
          return;
        }
        await this.forgetSpooled(entry);
        this.notify(entry.onStored, entry.key);
        this.log.debug({ key: entry.key }, 'uploaded from the spool');
      } finally {
        this.versions.busy.delete(entry.key);
        this.pump();
      }
      if (this.closing) return;
    }
  }

  /** A live upload just succeeded: the store is back, so retry the spool now rather than at the next tick. */
  private kickReplay(): void {
    if (this.closing || this.spooled.size === 0 || !this.started) return;
    const now = Date.now();
    if (now - this.lastReplayKick < REPLAY_KICK_MIN_INTERVAL_MS) return;
    this.lastReplayKick = now;
    void this.replay();
  }

  private async forgetSpooled(entry: SpoolEntry): Promise<void> {
    if (!this.spooled.delete(entry.file)) return;
    this.versions.release(entry.key);
    await this.spool.remove(entry).catch((error: unknown) => {
      this.log.error({ err: error, file: entry.file }, 'cannot remove a spool entry');
    });
    this.updateSpoolGauge();
  }

  /** Drops queued (not yet running) items of `key` older than the one just enqueued. */
  private discardOlderPending(key: string): void {
    for (let i = this.pending.length - 1; i >= 0; i -= 1) {
      const item = this.pending[i];
      if (!item || item.key !== key || !this.isSuperseded(item)) continue;
      this.pending.splice(i, 1);
      this.queueBytes -= item.size;
      this.letGo(item);
      this.dropLive(item, 'superseded');
    }
    this.updateQueueGauges();
  }

  private isSuperseded(item: Item): boolean {
    return this.versions.isSuperseded(item.key, item.seq);
  }

  /** A queued or in-flight item that will not be uploaded: reported, and its key released. */
  private dropLive(item: Item, reason: UploadDropReason, error?: Error): void {
    this.versions.release(item.key);
    this.drop(item, item.key, reason, error);
  }

  /** Gives an item up: logged and counted unless it was merely superseded, then reported to its owner. */
  private drop(callbacks: Callbacks, key: string, reason: UploadDropReason, error?: Error): void {
    if (reason !== 'superseded') {
      this.metrics.dropped.inc({ reason });
      this.log.error({ key, reason, err: error }, 'upload dropped: the object will not be stored');
    }
    this.notify(callbacks.onFailed, reason, error);
  }

  /** Runs a caller's callback; whatever it throws stays out of the upload loop. */
  private notify<A extends unknown[]>(callback: ((...args: A) => void) | undefined, ...args: A): void {
    if (!callback) return;
    try {
      callback(...args);
    } catch (error) {
      this.log.error({ err: error }, 'storage callback threw');
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      timer.unref();
      this.sleepers.add(wake);
    });
  }

  private idle(): Promise<void> {
    if (this.pending.length === 0 && this.inFlight.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.add(resolve));
  }

  private updateQueueGauges(): void {
    this.metrics.queueItems.set(this.pending.length + this.inFlight.size);
    this.metrics.queueBytes.set(this.queueBytes);
  }

  private updateSpoolGauge(): void {
    this.metrics.spooledBytes.set(this.spool.bytes);
  }
}

function failureReason(error: unknown): string {
  if (error instanceof StorageUnavailableError) return error.reason;
  if (error instanceof InvalidObjectKeyError) return 'invalid-key';
  return 'error';
}
