import { randomBytes } from 'node:crypto';
import { LivePackager, type PackagerEvent } from '@rapidrtmp/hls';
import type { HlsSettings } from '@rapidrtmp/server-config';
import type { Logger } from '@rapidrtmp/server-logging';
import type { LiveStream, StreamEvent, Subscription } from '@rapidrtmp/server-streams';
import { packagerEvents, type DeliveryMetrics } from './delivery-metrics.js';
import type { SegmentArchive } from './segment-archive.js';
import { ViewerTracker } from './viewer-tracker.js';
import { Waiters } from './waiters.js';

export type HlsStreamState = 'live' | 'reconnecting' | 'ended';

/**
 * The HLS side of one playback id: a LivePackager fed from the LiveStream hub, the requests waiting on
 * it, and its viewers. It outlives a dropped publisher for the republish grace period so a player
 * keeps the same playlist (continued after a discontinuity); a deliberate end writes EXT-X-ENDLIST.
 */
export class HlsStream {
  /** Part of every media URL, so a later stream on the same playback id never reuses a cached URL. */
  readonly instanceId = randomBytes(5).toString('hex');
  readonly packager: LivePackager;
  readonly waiters = new Waiters();
  readonly viewers = new ViewerTracker();
  state: HlsStreamState = 'live';
  /** Playback needs a signed token (from the stream key's setting at publish time). */
  signedPlayback = false;
  private subscription: Subscription | undefined;
  private graceTimer: NodeJS.Timeout | undefined;
  /** The stream session whose recording the next segments belong to. */
  private sessionId: string | undefined;
  private lastInit: { name: string; data: Buffer } | undefined;
  /** Which session stored each resource name, so evicted segments can be read back (bounded). */
  private readonly storedBy = new Map<string, string>();

  constructor(
    readonly playbackId: string,
    private readonly settings: HlsSettings,
    private readonly metrics: DeliveryMetrics,
    private readonly log: Logger,
    private readonly onEnded: (stream: HlsStream) => void,
    private readonly archive?: SegmentArchive,
  ) {
    this.packager = new LivePackager({
      segmentSeconds: settings.segmentSeconds,
      partSeconds: settings.partSeconds,
      windowSegments: settings.windowSegments,
      listener: (event) => this.onPackagerEvent(event),
    });
    metrics.packagerEvents.track(this, () => packagerEvents(this.packager.stats));
  }

  /** Seconds a blocking request may be held: three target durations (RFC 8216bis 6.2.5.2). */
  get blockingTimeoutMs(): number {
    return Math.ceil(this.settings.segmentSeconds) * 3000;
  }

  /** Starts (or, within the grace period, resumes) feeding from a live publish. */
  attach(stream: LiveStream): void {
    clearTimeout(this.graceTimer);
    this.subscription?.unsubscribe();
    if (this.state === 'reconnecting')
      this.log.info({ playbackId: this.playbackId }, 'publisher back: playlist continues');
    this.state = 'live';
    this.signedPlayback = stream.info.signedPlayback;
    this.sessionId = stream.info.id;
    // A republish continues the playlist but is a new session: its recording needs the init in force.
    if (this.lastInit) this.archive?.storeInit(this.sessionId, this.lastInit.name, this.lastInit.data);
    this.subscription = stream.subscribe({ name: 'hls', onEvent: (event) => this.onStreamEvent(event) });
  }

  /** An init or segment that has left the in-memory window, read back from the archive (live DVR). */
  async fromArchive(name: string): Promise<Buffer | undefined> {
    const sessionId = this.storedBy.get(name);
    if (!sessionId || !this.archive) return undefined;
    return this.archive.read(sessionId, name).catch(() => undefined);
  }

  private remember(name: string, sessionId: string): void {
    this.storedBy.set(name, sessionId);
    if (this.storedBy.size > 20_000) this.storedBy.delete(this.storedBy.keys().next().value!);
  }

  /** Ends the playlist now (EXT-X-ENDLIST). */
  finish(): void {
    if (this.state === 'ended') return;
    clearTimeout(this.graceTimer);
    this.subscription?.unsubscribe();
    this.subscription = undefined;
    this.state = 'ended';
    this.packager.end();
    this.metrics.packagerEvents.release(this);
    this.waiters.releaseAll();
    this.onEnded(this);
  }

  private onStreamEvent(event: StreamEvent): void {
    switch (event.type) {
      case 'config':
        this.packager.setTrackConfig(event.track, event.config);
        break;
      case 'packet':
        this.packager.push(event.packet, Date.now());
        break;
      case 'end':
        this.subscription = undefined;
        this.packager.publisherGone();
        if (event.ending.graceful || this.settings.republishGraceSeconds === 0) {
          this.finish();
        } else {
          this.state = 'reconnecting';
          this.graceTimer = setTimeout(() => this.finish(), this.settings.republishGraceSeconds * 1000);
          this.graceTimer.unref();
        }
        this.waiters.check();
        break;
      case 'metadata':
        break;
    }
  }

  private onPackagerEvent(event: PackagerEvent): void {
    switch (event.type) {
      case 'init':
        this.lastInit = { name: event.init.name, data: event.init.data };
        if (this.sessionId && this.archive) {
          this.archive.storeInit(this.sessionId, event.init.name, event.init.data);
          this.remember(event.init.name, this.sessionId);
        }
        break;
      case 'part':
        this.metrics.parts.inc();
        break;
      case 'segment':
        if (this.sessionId && this.lastInit && this.archive) {
          this.archive.storeSegment(this.sessionId, event.segment, this.lastInit.name);
          this.remember(event.segment.name, this.sessionId);
        }
        this.metrics.segments.inc();
        this.metrics.segmentDuration.observe(event.segment.duration);
        break;
      case 'discontinuity':
        this.metrics.discontinuities.inc({ reason: event.reason });
        this.log.info({ playbackId: this.playbackId, reason: event.reason }, 'HLS discontinuity');
        break;
      case 'target-duration-raised':
        this.log.warn(
          { playbackId: this.playbackId, targetDuration: event.targetDuration },
          'HLS target duration raised',
        );
        break;
      default:
        break;
    }
    this.waiters.check();
  }
}
