import { audioConfigBody, FlvTimeline, metadataBody, packetTagBody, videoConfigBody } from '@rapidrtmp/flv';
import { type AudioConfig, pinMedia, releaseMedia, retainMedia, type VideoConfig } from '@rapidrtmp/media-core';
import type { LiveStream, StreamEvent, Subscription } from '@rapidrtmp/server-streams';
import type { PlayerEndReason, PlayerMetrics, PlayerProtocol } from './player-metrics.js';

/** What a tag carries: an FLV audio or video tag body, or a script data body (`onMetaData`). */
export type FlvTagKind = 'audio' | 'video' | 'data';

/**
 * Where a player's tags go: an HTTP-FLV response or an RTMP play. The transport writes each tag in one go
 * (corked: one syscall, the body's buffers as views) and says when its socket buffer is full.
 */
export interface PlayerTransport {
  /** The first tags are about to go out, with the tracks the stream has now (HTTP-FLV: the file header). */
  begin(tracks: { audio: boolean; video: boolean }): void;
  /** Writes one tag whose body is `body` (not copied); returns the bytes handed to the socket (0: none were). */
  tag(kind: FlvTagKind, timestamp: number, body: readonly Buffer[]): number;
  /**
   * Bytes handed to the socket and not yet taken by the kernel: all of them (framing and other writes may
   * add to it), since the player lets a tag's media slabs go once this says the kernel took the tag.
   */
  readonly bufferedBytes: number;
  /** The socket's buffer is past its mark: write nothing more until `onDrain` calls back. */
  readonly full: boolean;
  /** Calls `drained` once when the socket's buffer has room again. */
  onDrain(drained: () => void): void;
  /** The player ended (not by the transport's own close): end the response or the play, then the socket. */
  close(reason: PlayerEndReason): void;
}

export interface LivePlayerOptions {
  protocol: PlayerProtocol;
  /** Media queued while the socket is full before packets are dropped to the next keyframe. */
  maxQueuedBytes: number;
  /** Disconnect a player whose socket took nothing for this long. */
  stallTimeoutMs: number;
  metrics: PlayerMetrics;
  /** Called once when the player ends, whatever ended it. */
  onEnd?: (reason: PlayerEndReason) => void;
}

/**
 * One RTMP or HTTP-FLV player of a live stream: starts at the latest keyframe with the metadata and
 * sequence headers first, then follows the stream live on one non-decreasing timeline. The publisher and
 * HLS never wait for it: when its socket is full the player's subscription pauses and queues (bounded,
 * dropping to the next keyframe past the bound); a socket that takes nothing for `stallTimeoutMs`, or holds
 * more than twice the queue bound, ends the player.
 */
export class LivePlayer {
  /** FLV tag bytes handed to the transport. */
  bytesSent = 0;
  private subscription: Subscription | undefined;
  /** Events delivered while subscribing, after the socket filled: handed to the subscription's bounded queue. */
  private early: StreamEvent[] | undefined;
  private readonly timeline = new FlvTimeline();
  private started = false;
  private waiting = false;
  private stallTimer: NodeJS.Timeout | undefined;
  private ending: PlayerEndReason | undefined;
  /**
   * Payloads handed to the transport and perhaps not yet to the kernel, with `bytesSent` after each: each
   * holds a reference to its pooled slab (see MediaArena) until the socket has taken that far.
   */
  private readonly inFlight = new PayloadFifo();

  constructor(
    private readonly stream: LiveStream,
    private readonly transport: PlayerTransport,
    private readonly options: LivePlayerOptions,
  ) {}

  /** Packets skipped because the player did not keep up. */
  get droppedPackets(): number {
    return this.subscription?.droppedPackets ?? 0;
  }

  get ended(): boolean {
    return this.ending !== undefined;
  }

  /** Subscribes from the latest keyframe; the window since it goes out at once, as far as the socket takes it. */
  start(): void {
    const { protocol, metrics, maxQueuedBytes } = this.options;
    metrics.bytesOut.track(this, () => ({ [protocol]: this.bytesSent }));
    metrics.dropped.track(this, () => ({ [protocol]: this.subscription?.droppedPackets ?? 0 }));
    const subscription = this.stream.subscribe(
      { name: `player-${protocol}`, keepsMedia: 'counted', onEvent: (event) => this.onEvent(event) },
      { fromKeyframe: true, maxQueuedBytes },
    );
    this.subscription = subscription;
    if (this.ended) return subscription.unsubscribe();
    const early = this.early;
    this.early = undefined;
    if (!early) return;
    subscription.pause();
    for (const event of early) subscription.deliver(event);
  }

  /** Skips media until the next video keyframe (an RTMP player that unpaused). */
  skipToKeyframe(): void {
    this.subscription?.skipToKeyframe();
  }

  /** Ends the player from outside (the client left, the server stops). Idempotent. */
  stop(reason: PlayerEndReason): void {
    this.finish(reason, false);
  }

  private onEvent(event: StreamEvent): void {
    if (this.ended) return;
    if (this.early) {
      this.early.push(event);
      return;
    }
    switch (event.type) {
      case 'packet': {
        const { packet } = event;
        if (!this.started) this.begin(packet.dts);
        this.write(packet.track, this.timeline.stamp(packet.dts), packetTagBody(packet));
        retainMedia(packet.payload);
        this.inFlight.push(packet.payload, this.bytesSent);
        this.releaseTaken();
        break;
      }
      case 'config':
        // Before the first packet the configs go out with it (from the stream's current ones).
        if (!this.started) return;
        this.write(event.track, this.timeline.current ?? 0, [
          event.track === 'video'
            ? videoConfigBody(event.config as VideoConfig)
            : audioConfigBody(event.config as AudioConfig),
        ]);
        break;
      case 'metadata':
        if (this.started) {
          this.write('data', this.timeline.current ?? 0, [metadataBody(event.metadata, this.stream.tracks)]);
        }
        break;
      case 'end':
        return this.finish('stream_ended', true);
    }
    if (this.ended) return;
    if (this.transport.bufferedBytes > 2 * this.options.maxQueuedBytes) return this.finish('slow', true);
    if (this.transport.full) this.waitForDrain();
  }

  /** onMetaData and the sequence headers, at the time of the first packet (a keyframe when there is video). */
  private begin(dts: number): void {
    this.started = true;
    const { tracks, metadata } = this.stream;
    const at = this.timeline.stamp(dts);
    this.transport.begin({ audio: tracks.audio !== undefined, video: tracks.video !== undefined });
    this.write('data', at, [metadataBody(metadata, tracks)]);
    if (tracks.video) this.write('video', at, [videoConfigBody(tracks.video)]);
    if (tracks.audio) this.write('audio', at, [audioConfigBody(tracks.audio)]);
  }

  private write(kind: FlvTagKind, timestamp: number, body: readonly Buffer[]): void {
    this.bytesSent += this.transport.tag(kind, timestamp, body);
  }

  private waitForDrain(): void {
    if (this.waiting) return;
    this.waiting = true;
    if (this.subscription) this.subscription.pause();
    else this.early = [];
    this.stallTimer = setTimeout(() => this.finish('stalled', true), this.options.stallTimeoutMs);
    this.transport.onDrain(() => this.drained());
  }

  /**
   * Releases the payloads the kernel has taken. The transport's buffered bytes include everything not yet
   * taken (and framing and other messages besides), so `bytesSent - bufferedBytes` never overstates it.
   */
  private releaseTaken(): void {
    this.inFlight.releaseUpTo(this.bytesSent - this.transport.bufferedBytes);
  }

  private drained(): void {
    this.releaseTaken();
    if (this.ended || !this.waiting) return;
    this.waiting = false;
    clearTimeout(this.stallTimer);
    // May fill the socket again, which pauses the subscription again with the rest still queued.
    this.subscription?.resume();
  }

  private finish(reason: PlayerEndReason, closeTransport: boolean): void {
    if (this.ended) return;
    this.ending = reason;
    clearTimeout(this.stallTimer);
    this.subscription?.unsubscribe();
    // What the socket may still be writing is left to the GC: the end of a connection is not worth a wait.
    this.releaseTaken();
    this.inFlight.pinAll();
    const { protocol, metrics } = this.options;
    metrics.bytesOut.release(this);
    metrics.dropped.release(this);
    metrics.ended.get(protocol, reason).inc();
    if (closeTransport) this.transport.close(reason);
    this.options.onEnd?.(reason);
  }
}

/** Payloads in the order they were written, each with the byte count written up to its end. */
class PayloadFifo {
  private payloads: Buffer[] = [];
  private ends: number[] = [];
  private head = 0;

  push(payload: Buffer, end: number): void {
    this.payloads.push(payload);
    this.ends.push(end);
  }

  releaseUpTo(taken: number): void {
    for (; this.head < this.payloads.length; this.head++) {
      const payload = this.payloads[this.head];
      const end = this.ends[this.head];
      if (payload === undefined || end === undefined || end > taken) break;
      releaseMedia(payload);
    }
    if (this.head === this.payloads.length) this.clear();
    else if (this.head > 1024) this.compact();
  }

  pinAll(): void {
    for (const payload of this.payloads.slice(this.head)) pinMedia(payload);
    this.clear();
  }

  private clear(): void {
    this.payloads.length = 0;
    this.ends.length = 0;
    this.head = 0;
  }

  private compact(): void {
    this.payloads = this.payloads.slice(this.head);
    this.ends = this.ends.slice(this.head);
    this.head = 0;
  }
}
