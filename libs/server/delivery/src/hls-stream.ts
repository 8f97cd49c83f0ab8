import { randomBytes } from 'node:crypto';
import {
  type BlockingRequest,
  type ByteChunks,
  LivePackager,
  type PackagerEvent,
  parseResourceName,
  type PlaylistContinuation,
  segmentName,
} from '@rapidrtmp/hls';
import type { HlsSettings } from '@rapidrtmp/server-config';
import type { Logger } from '@rapidrtmp/server-logging';
import type { LiveStream, StreamEvent, Subscription } from '@rapidrtmp/server-streams';
import { ArchivedSessions } from './archived-sessions.js';
import { packagerEvents, type DeliveryMetrics } from './delivery-metrics.js';
import { notFound, type PlaybackAnswer, type PlaybackSource } from './playback-source.js';
import type { SegmentArchive } from './segment-archive.js';
import { ViewerTracker } from './viewer-tracker.js';
import { Waiters } from './waiters.js';

export type HlsStreamState = 'live' | 'reconnecting' | 'ended';

export interface HlsStreamOptions {
  /** Continue another node's playlist of this playback id (same instance id, sequences carrying on). */
  continued?: { instanceId: string; continuation: PlaylistContinuation };
  /** The playlist moved (a segment, the publisher gone, the end): where it stands is shared with other nodes. */
  onProgress?: (stream: HlsStream) => void;
}

/** A player that asks before the first segment exists is held this long rather than sent a 404. */
const FIRST_SEGMENT_WAIT_MS = 8_000;

/**
 * The HLS side of one playback id on the node that ingests it: a LivePackager fed from the LiveStream hub,
 * the requests waiting on it, and its viewers; the live window is served from memory, older segments
 * from the archive. It outlives a dropped publisher for the republish grace period so a player keeps the
 * same playlist (continued after a discontinuity); a deliberate end writes EXT-X-ENDLIST.
 */
export class HlsStream implements PlaybackSource {
  /**
   * Part of every media URL, so a later stream on the same playback id never reuses a cached URL; kept
   * when another node's playlist is continued (its viewers' URLs stay valid).
   */
  readonly instanceId: string;
  private readonly packager: LivePackager;
  private readonly waiters = new Waiters();
  private readonly viewers = new ViewerTracker();
  state: HlsStreamState = 'live';
  /** Playback needs a signed token (from the stream key's setting at publish time). */
  signedPlayback = false;
  private subscription: Subscription | undefined;
  private graceTimer: NodeJS.Timeout | undefined;
  /** The stream session whose recording the next segments belong to. */
  private sessionId: string | undefined;
  private lastInit: { name: string; data: Buffer } | undefined;
  private readonly archived = new ArchivedSessions();
  /** What storage said it holds since the last packager event: segment msn and part index (none: all). */
  private readonly storedNotes: Array<[msn: number, index?: number]> = [];
  /** Parts kept in memory once stored: HLS_MEMORY_SECONDS of them. */
  private readonly memoryParts: number;

  constructor(
    readonly playbackId: string,
    private readonly settings: HlsSettings,
    private readonly metrics: DeliveryMetrics,
    private readonly log: Logger,
    private readonly onEnded: (stream: HlsStream) => void,
    private readonly archive?: SegmentArchive,
    private readonly options: HlsStreamOptions = {},
  ) {
    this.instanceId = options.continued?.instanceId ?? randomBytes(5).toString('hex');
    this.memoryParts = Math.ceil(settings.memorySeconds / settings.partSeconds - 1e-9);
    this.packager = new LivePackager({
      segmentSeconds: settings.segmentSeconds,
      partSeconds: settings.partSeconds,
      partHoldBackParts: settings.partHoldBackParts,
      windowSegments: settings.windowSegments,
      listener: (event) => this.onPackagerEvent(event),
      continueFrom: options.continued?.continuation,
    });
    metrics.packagerEvents.track(this, () => packagerEvents(this.packager.stats));
  }

  /** Where the playlist stands, for a node that continues it. */
  continuation(): PlaylistContinuation {
    return this.packager.continuation();
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
    // The archive learns of the session before anything is stored for it, whatever order listeners run in;
    // a republish continues the playlist but is a new session, whose recording needs the init in force.
    this.archive?.begin(stream);
    if (this.lastInit) this.archive?.storeInit(this.sessionId, this.lastInit.name, this.lastInit.data);
    // The packager retains the payloads it keeps and its parts release them (see MediaArena).
    this.subscription = stream.subscribe({
      name: 'hls',
      keepsMedia: 'counted',
      onEvent: (event) => this.onStreamEvent(event),
    });
  }

  touchViewer(client: string): void {
    this.viewers.touch(client);
  }

  /** Estimated concurrent viewers on this node. */
  get viewerCount(): number {
    return this.viewers.count();
  }

  async multivariant(): Promise<PlaybackAnswer<string>> {
    if (!this.multivariantNow()) {
      await this.waiters.wait(
        () => this.multivariantNow() !== undefined || this.state === 'ended',
        FIRST_SEGMENT_WAIT_MS,
      );
    }
    const body = this.multivariantNow();
    return body ? { ok: true, body } : notFound;
  }

  /** The multivariant playlist once the stream's renditions are known; undefined before. */
  multivariantNow(): string | undefined {
    return this.packager.multivariantPlaylist(`${this.instanceId}/media.m3u8`);
  }

  async mediaPlaylist(request: BlockingRequest | undefined, delta = false): Promise<PlaybackAnswer<string>> {
    const window = this.packager.window;
    if (!window.ready) {
      await this.waiters.wait(() => window.ready || this.state === 'ended', FIRST_SEGMENT_WAIT_MS);
      if (!window.ready) return notFound;
    }
    const now = this.mediaPlaylistNow(request, delta);
    if (now || !request) return now ?? notFound;
    // The window is ready, so the request is ahead of it: held until it is satisfied.
    const ready = await this.timedWait('playlist', () => window.evaluateBlockingRequest(request) !== 'wait');
    if (!ready) return { ok: false, status: 503, detail: 'the requested part did not appear in time' };
    return this.renderedPlaylist(delta);
  }

  /** The media playlist's answer when it needs no waiting (a first segment, a requested part): else undefined. */
  mediaPlaylistNow(request: BlockingRequest | undefined, delta = false): PlaybackAnswer<string> | undefined {
    const window = this.packager.window;
    if (!window.ready) return undefined;
    if (request) {
      const decision = window.evaluateBlockingRequest(request);
      if (decision === 'bad-request')
        return { ok: false, status: 400, detail: 'requested segment or part is too far ahead' };
      if (decision === 'wait') return undefined;
    }
    return this.renderedPlaylist(delta);
  }

  private renderedPlaylist(delta: boolean): PlaybackAnswer<string> {
    const body = this.packager.mediaPlaylist({ lowLatency: true, skip: delta });
    return body ? { ok: true, body } : notFound;
  }

  /** The first segment exists (the playlists answer). */
  get ready(): boolean {
    return this.packager.window.ready;
  }

  /** The part is announced (the preload hint) but not cut yet. */
  partPending(msn: number, index: number): boolean {
    return this.packager.window.partAvailability(msn, index) === 'pending';
  }

  /** An init segment, segment or part still in memory (what live viewers ask for); undefined otherwise. */
  resourceNow(name: string): ByteChunks | undefined {
    return this.packager.window.resolve(name);
  }

  async resource(name: string, { hold = true } = {}): Promise<PlaybackAnswer<ByteChunks>> {
    const parsed = parseResourceName(name);
    if (!parsed) return notFound;
    const window = this.packager.window;
    if (parsed.kind === 'part' && window.partAvailability(parsed.msn, parsed.index) === 'pending') {
      // The client holds as many requests as it may (HeldRequestGate): it asks again later.
      if (!hold) return { ok: false, status: 503, detail: 'this part is not ready yet; too many held requests' };
      // The preload hint names this part before it exists (RFC 8216bis 6.2.6): hold the request.
      await this.timedWait(
        'part',
        () => window.partAvailability(parsed.msn, parsed.index) !== 'pending' || this.state === 'ended',
      );
    }
    // A segment that left the in-memory window is still served from the archive (live DVR, late viewers),
    // and so are its parts while the playlist lists them (a byte range of the stored segment).
    const body =
      window.resolve(name) ??
      (parsed.kind === 'init'
        ? await this.fromArchive('init', parsed.index, name)
        : parsed.kind === 'segment'
          ? await this.fromArchive('segment', parsed.msn, name)
          : await this.partFromArchive(parsed.msn, parsed.index));
    return body ? { ok: true, body } : notFound;
  }

  private async partFromArchive(msn: number, index: number): Promise<ByteChunks | undefined> {
    const range = this.packager.window.releasedPartRange(msn, index);
    const sessionId = this.archived.sessionOf('segment', msn);
    if (!range || !sessionId || !this.archive) return undefined;
    // Just the part where the store can read a range (the spill); else a byte range of the whole segment.
    const part = await this.archive
      .readRange?.(sessionId, range.segment, range.start, range.end)
      .catch(() => undefined);
    if (part?.length === range.end - range.start) return [part];
    if (!range.complete) return undefined;
    const segment = await this.fromArchive('segment', msn, range.segment);
    const bytes = segment?.[0];
    return bytes && bytes.length >= range.end ? [bytes.subarray(range.start, range.end)] : undefined;
  }

  /** Three target durations at most (RFC 8216bis 6.2.5.2), timed in the blocking-wait histogram. */
  private async timedWait(kind: 'playlist' | 'part', ready: () => boolean): Promise<boolean> {
    const started = performance.now();
    const outcome = await this.waiters.wait(ready, this.blockingTimeoutMs);
    this.metrics.blockingWait.get(kind, outcome ? 'ready' : 'timeout').observe((performance.now() - started) / 1000);
    return outcome;
  }

  private async fromArchive(kind: 'init' | 'segment', number: number, name: string): Promise<ByteChunks | undefined> {
    const sessionId = this.archived.sessionOf(kind, number);
    if (!sessionId || !this.archive) return undefined;
    const data = await this.archive.read(sessionId, name).catch(() => undefined);
    return data && [data];
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
    this.options.onProgress?.(this);
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
          this.options.onProgress?.(this);
          this.graceTimer = setTimeout(() => this.finish(), this.settings.republishGraceSeconds * 1000);
          this.graceTimer.unref();
        }
        this.waiters.check();
        break;
      case 'metadata':
        break;
    }
  }

  /**
   * Once a part is stored it can be read back, so memory keeps only the newest HLS_MEMORY_SECONDS of parts
   * (what players at the live edge ask for); built apart so the callback holds numbers, not the bytes.
   *
   * The storage callback only notes what was stored: the parts go on the packager's next event. That callback
   * runs as a promise continuation, which can fall between a request finding a part in memory and its
   * response retaining the part's slabs (only promise continuations run there); packager events come from
   * ingest, never in that gap.
   */
  private noteStored(msn: number, index?: number): () => void {
    return () => {
      this.storedNotes.push([msn, index]);
    };
  }

  /** On every new part and segment: let go of the stored parts memory no longer needs. */
  private releaseStored(): void {
    const window = this.packager.window;
    for (const [msn, index] of this.storedNotes) window.markStored(msn, index);
    this.storedNotes.length = 0;
    const released = window.releaseStoredParts(this.memoryParts);
    if (released > 0) this.metrics.releasedSegments.inc(released);
  }

  private onPackagerEvent(event: PackagerEvent): void {
    switch (event.type) {
      case 'init':
        this.lastInit = { name: event.init.name, data: event.init.data };
        if (this.sessionId && this.archive) {
          this.archive.storeInit(this.sessionId, event.init.name, event.init.data);
          this.archived.note('init', event.init.index, this.sessionId);
        }
        break;
      case 'part': {
        this.metrics.parts.inc();
        const { part } = event;
        if (this.sessionId && this.archive?.storePart) {
          const name = segmentName(part.msn);
          if (this.archive.storePart(this.sessionId, name, part, this.noteStored(part.msn, part.index)))
            this.archived.note('segment', part.msn, this.sessionId);
        }
        if (this.archive) this.releaseStored();
        break;
      }
      case 'segment':
        if (this.archive) this.releaseStored();
        this.options.onProgress?.(this);
        if (this.sessionId && this.lastInit && this.archive) {
          this.archive.storeSegment(
            this.sessionId,
            event.segment,
            this.lastInit.name,
            this.noteStored(event.segment.msn),
          );
          this.archived.note('segment', event.segment.msn, this.sessionId);
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
