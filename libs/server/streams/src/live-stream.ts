import {
  type AudioConfig,
  type MediaPacket,
  type TrackKind,
  type VideoConfig,
  pinMedia,
  releaseMedia,
  retainMedia,
} from '@rapidrtmp/media-core';
import type { Publisher, StreamEnding } from '@rapidrtmp/server-domain';
import { KeyframeWindow } from './keyframe-window.js';
import type { StreamEvent, StreamSubscriber } from './stream-event.js';
import { StreamStats } from './stream-stats.js';

export interface LiveStreamInfo {
  /** The stream session id (a `stream_sessions` row). */
  id: string;
  streamKeyId: string;
  keyLabel: string;
  playbackId: string;
  ownerId: string;
  ownerName: string;
  /** Remote address of the publisher. */
  remoteAddress: string;
  startedAt: Date;
  /** Playback needs a signed token (per stream key). */
  signedPlayback: boolean;
  /** The session is kept as a recording (per stream key). */
  recordingEnabled: boolean;
}

/**
 * `always`: the packets since the latest keyframe are held, so any player starts at once. `on-demand`: only
 * while the stream has players that start on a keyframe, and for GROUP_LINGER_MS after the last one left:
 * the first player of a stream nobody watches that way starts at the next keyframe (one group of pictures
 * at most), and HLS-only streams do not hold a group of pictures of media each.
 */
export type GopCache = 'always' | 'on-demand';

/** How long the group of pictures stays held after the last player that starts on a keyframe left. */
export const GROUP_LINGER_MS = 30_000;

export interface SubscribeOptions {
  /** Bytes of media a paused subscriber may fall behind before packets are dropped (default 8 MiB). */
  maxQueuedBytes?: number;
  /**
   * Start at the latest video keyframe: the packets since it are delivered right after the configs, and
   * when there is none yet (or the window overflowed) media is held back until the next one. For players
   * and relays that must begin on a decodable frame; HLS and the recorder cut on keyframes themselves.
   */
  fromKeyframe?: boolean;
}

/**
 * A subscriber's place in the stream. Delivery is synchronous while running; a subscriber whose sink
 * is full calls `pause()` and events queue, bounded in bytes: past the bound, media packets are dropped
 * until the next video keyframe so the subscriber resumes on a decodable frame. Configs, metadata and
 * the end event are never dropped.
 */
export class Subscription {
  private queue: StreamEvent[] = [];
  private queuedBytes = 0;
  private paused = false;
  private waitingForKeyframe = false;
  droppedPackets = 0;

  constructor(
    readonly subscriber: StreamSubscriber,
    private readonly maxQueuedBytes: number,
    private readonly detach: (s: Subscription) => void,
    /** Started at a keyframe (a player): keeps the stream's group of pictures held (GopCache). */
    readonly fromKeyframe = false,
  ) {}

  deliver(event: StreamEvent): void {
    if (this.waitingForKeyframe && event.type === 'packet' && !isKeyframe(event.packet)) {
      this.droppedPackets++;
      return;
    }
    if (!this.paused) {
      if (event.type === 'packet') {
        this.waitingForKeyframe = false;
        if (this.subscriber.keepsMedia === undefined) pinMedia(event.packet.payload);
      }
      return this.subscriber.onEvent(event);
    }
    if (event.type === 'packet') {
      const { packet } = event;
      this.waitingForKeyframe = false;
      if (this.queuedBytes + packet.payload.length > this.maxQueuedBytes) {
        this.droppedPackets += 1 + this.dropQueuedPackets();
        this.waitingForKeyframe = true;
        return;
      }
      this.queuedBytes += packet.payload.length;
      // Held while queued: counted for a subscriber that counts its own holds, else pinned.
      if (this.subscriber.keepsMedia === 'counted') retainMedia(packet.payload);
      else pinMedia(packet.payload);
    }
    this.queue.push(event);
  }

  pause(): void {
    this.paused = true;
  }

  /** Drop media until the next video keyframe (a fresh start, or a subscriber that fell behind). */
  skipToKeyframe(): void {
    this.waitingForKeyframe = true;
  }

  resume(): void {
    this.paused = false;
    const queued = this.queue;
    this.queue = [];
    this.queuedBytes = 0;
    for (const event of queued) {
      // Delivered or queued again (which retains it again), then the queue's own hold goes.
      if (this.paused) this.deliver(event);
      else this.subscriber.onEvent(event);
      this.letGo(event);
    }
  }

  unsubscribe(): void {
    this.detach(this);
    for (const event of this.queue) this.letGo(event);
    this.queue = [];
    this.queuedBytes = 0;
  }

  private dropQueuedPackets(): number {
    const before = this.queue.length;
    const kept: StreamEvent[] = [];
    for (const event of this.queue) {
      if (event.type === 'packet') this.letGo(event);
      else kept.push(event);
    }
    this.queue = kept;
    this.queuedBytes = 0;
    return before - kept.length;
  }

  /** Gives back the queue's hold on a packet it retained (see deliver). */
  private letGo(event: StreamEvent): void {
    if (event.type === 'packet' && this.subscriber.keepsMedia === 'counted') releaseMedia(event.packet.payload);
  }
}

function isKeyframe(packet: MediaPacket): boolean {
  return packet.track === 'video' && packet.keyframe;
}

/**
 * The pub/sub hub of one live stream. Ingest publishes demuxed events; consumers (HLS packager,
 * recorder, relays) subscribe. Late subscribers first receive the current codec configs and metadata.
 */
export class LiveStream {
  readonly stats: StreamStats;
  readonly tracks: { video?: VideoConfig; audio?: AudioConfig } = {};
  metadata: Record<string, unknown> = {};
  /** How it ended, once it has (the only copy of the end state). */
  ending: StreamEnding | undefined;
  /** Since the latest video keyframe: where joining players start (see `SubscribeOptions.fromKeyframe`). */
  readonly keyframeWindow = new KeyframeWindow();
  private readonly subscriptions = new Set<Subscription>();
  /** When a subscriber that starts on a keyframe was last seen (GopCache `on-demand`). */
  private groupWantedAt = -Infinity;

  constructor(
    readonly info: LiveStreamInfo,
    /** Stopping the stream is `publisher.close(reason, stoppedBy)`. */
    readonly publisher: Publisher,
    private readonly clock: () => number = Date.now,
    private readonly gopCache: GopCache = 'always',
  ) {
    this.stats = new StreamStats(clock);
    this.keyframeWindow.keepGroup = gopCache === 'always';
  }

  get ended(): boolean {
    return this.ending !== undefined;
  }

  subscribe(subscriber: StreamSubscriber, options: SubscribeOptions = {}): Subscription {
    const subscription = new Subscription(
      subscriber,
      options.maxQueuedBytes ?? 8 * 1024 * 1024,
      (s) => this.subscriptions.delete(s),
      options.fromKeyframe,
    );
    if (options.fromKeyframe) {
      this.groupWantedAt = this.clock();
      this.keyframeWindow.keepGroup = true;
    }
    for (const track of ['video', 'audio'] as TrackKind[]) {
      const config = this.tracks[track];
      if (config) subscription.deliver({ type: 'config', track, config, changed: false });
    }
    if (Object.keys(this.metadata).length > 0) subscription.deliver({ type: 'metadata', metadata: this.metadata });
    if (options.fromKeyframe && !this.ending) this.startAtKeyframe(subscription);
    if (this.ending) subscription.deliver({ type: 'end', ending: this.ending });
    else this.subscriptions.add(subscription);
    return subscription;
  }

  private startAtKeyframe(subscription: Subscription): void {
    const window = this.keyframeWindow.snapshot();
    if (window.length === 0) {
      // Audio-only streams have no keyframes to wait for: start live.
      if (this.tracks.video) subscription.skipToKeyframe();
      return;
    }
    for (const packet of window) subscription.deliver({ type: 'packet', packet });
  }

  get subscriberCount(): number {
    return this.subscriptions.size;
  }

  publish(event: StreamEvent): void {
    if (this.ending) return;
    switch (event.type) {
      case 'config':
        if (event.track === 'video') {
          // Packets before a new sequence header decode only with the old one.
          if (event.changed) this.keyframeWindow.clear();
          this.tracks.video = event.config as VideoConfig;
        } else this.tracks.audio = event.config as AudioConfig;
        break;
      case 'metadata':
        this.metadata = event.metadata;
        break;
      case 'packet':
        this.stats.addPacket(event.packet);
        if (this.gopCache === 'on-demand' && isKeyframe(event.packet))
          this.keyframeWindow.keepGroup = this.groupWanted();
        this.keyframeWindow.add(event.packet);
        break;
      case 'end':
        this.ending = event.ending;
        this.keyframeWindow.clear();
        break;
    }
    for (const subscription of this.subscriptions) subscription.deliver(event);
    if (event.type === 'end') this.subscriptions.clear();
  }

  /** A player that starts on a keyframe is subscribed, or left less than GROUP_LINGER_MS ago (checked per keyframe). */
  private groupWanted(): boolean {
    const now = this.clock();
    for (const subscription of this.subscriptions) if (subscription.fromKeyframe) this.groupWantedAt = now;
    return now - this.groupWantedAt < GROUP_LINGER_MS;
  }

  /** Marks the stream ended and tells every subscriber; idempotent (the first ending stays). */
  end(ending: StreamEnding): void {
    if (!this.ending) this.publish({ type: 'end', ending });
  }
}
