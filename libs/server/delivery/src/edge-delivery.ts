import { Inject, Injectable } from '@nestjs/common';
import type { ByteChunks } from '@rapidrtmp/hls';
import { PeerClient, type PeerAnswer } from '@rapidrtmp/server-cluster';
import { AppConfig } from '@rapidrtmp/server-config';
import { ROOT_LOGGER, type Logger } from '@rapidrtmp/server-logging';
import { MetricsRegistry } from '@rapidrtmp/server-metrics';
import { EdgePlayback, type Origin } from './edge-playback.js';
import { createEdgeMetrics, type EdgeMetrics } from './edge-metrics.js';
import { Coalescer, ImmutableCache } from './immutable-cache.js';
import type { PlaybackAnswer, PlaybackSource } from './playback-source.js';
import { ENDED_RETENTION_MS } from './retention.js';
import { ViewerTracker } from './viewer-tracker.js';

/**
 * The edge side of delivery: how this node serves streams other nodes own. One upstream request per
 * object however many viewers ask (coalescing), immutable objects from a byte-bounded cache, every
 * upstream request bounded in time (a blocking reload may be held by the origin for three target
 * durations, plus a margin).
 */
@Injectable()
export class EdgeDelivery {
  private readonly log: Logger;
  private readonly metrics: EdgeMetrics;
  private readonly counted;
  private readonly client: PeerClient;
  private readonly cache: ImmutableCache;
  private readonly objects = new Coalescer<PeerAnswer>();
  private readonly playlists = new Coalescer<PeerAnswer>();
  private readonly viewers = new Map<string, ViewerTracker>();
  /** Upstream playlist bodies as text, by body. */
  private readonly playlistTexts = new WeakMap<Buffer, string>();
  /**
   * Where each playback id was last pulled from while live, so players can finish a playlist that just ended
   * there (until `until`), or wait for it to continue on another node (until `resumableUntil`).
   */
  private readonly recentOrigins = new Map<string, { origin: Origin; until: number; resumableUntil: number }>();
  /** How long after its node stopped holding it a stream may still continue elsewhere (republish grace). */
  private readonly resumableMs: number;
  private readonly timeoutMs: number;
  /**
   * How long a blocking reload's answer is reused for later viewers asking the same `_HLS_msn`/`_HLS_part`
   * (it lists that part; a newer one would too): one part duration, as CDNs cache these responses.
   */
  readonly blockingReuseMs: number;
  /** How long a request for a stream whose node stopped answering waits for another node to take it. */
  private readonly failoverHoldMs: number;

  constructor(config: AppConfig, metrics: MetricsRegistry, @Inject(ROOT_LOGGER) logger: Logger) {
    this.log = logger.child({ module: 'edge' });
    this.metrics = createEdgeMetrics(metrics);
    // Bound once: every viewer's request counts here.
    this.counted = {
      hit: this.metrics.cache.labels('hit'),
      miss: this.metrics.cache.labels('miss'),
      coalesced: {
        playlist: this.metrics.coalesced.labels('playlist'),
        object: this.metrics.coalesced.labels('object'),
      },
    };
    this.client = new PeerClient(config.cluster.secret);
    this.cache = new ImmutableCache(config.cluster.edgeCacheBytes);
    this.timeoutMs = Math.ceil(config.hls.segmentSeconds) * 3000 + 2000;
    this.blockingReuseMs = Math.round(config.hls.partSeconds * 1000);
    // Short, then 503: players retry on their own schedule, and a request held close to their timeout (hls.js:
    // 10 s without a first byte) ends in a timeout they handle worse than an error on a loaded machine.
    this.failoverHoldMs = Math.min(this.timeoutMs, 3000);
    this.resumableMs = (config.hls.republishGraceSeconds + 2) * 1000;
  }

  /** A source for a stream instance owned by `origin`; `failover` finds the next holder if it stops answering. */
  source(
    origin: Origin,
    playbackId: string,
    instance: string | undefined,
    failover?: () => Promise<PlaybackSource | undefined>,
  ): EdgePlayback {
    if (this.recentOrigins.size >= 10_000) this.recentOrigins.clear();
    const now = Date.now();
    this.recentOrigins.set(playbackId, {
      origin,
      until: now + ENDED_RETENTION_MS,
      resumableUntil: now + this.resumableMs,
    });
    return new EdgePlayback(this, origin, playbackId, instance, { failover, holdMs: this.failoverHoldMs });
  }

  /**
   * A stream no node holds any more but this node pulled recently: its origin keeps the ended playlist
   * for a while (ENDLIST). If the origin is gone too (a lost node), the publisher may still be moving to
   * another node: within the republish grace requests are held and then answered 503 (players retry;
   * hls.js never retries a 404), after it 404.
   */
  endedSource(
    playbackId: string,
    instance: string | undefined,
    failover?: () => Promise<PlaybackSource | undefined>,
  ): EdgePlayback | undefined {
    const recent = this.recentOrigins.get(playbackId);
    const now = Date.now();
    if (!recent || recent.until < now) return undefined;
    const resumable = recent.resumableUntil > now;
    return new EdgePlayback(this, recent.origin, playbackId, instance, {
      ended: !resumable,
      failover: resumable ? failover : undefined,
      holdMs: Math.min(this.failoverHoldMs, recent.resumableUntil - now),
    });
  }

  async playlist(origin: Origin, path: string, reuseMs: number): Promise<PlaybackAnswer<string>> {
    const answer = await this.upstream(this.playlists, origin, path, 'playlist', reuseMs);
    if (!answer.ok) return answer;
    // One text for every viewer the origin's answer was shared with (the fast lane encodes it once too).
    let text = this.playlistTexts.get(answer.body);
    if (text === undefined) {
      text = answer.body.toString('utf8');
      this.playlistTexts.set(answer.body, text);
    }
    return { ok: true, body: text };
  }

  async object(origin: Origin, path: string): Promise<PlaybackAnswer<ByteChunks>> {
    const cached = this.cachedObject(origin, path);
    if (cached) return { ok: true, body: cached };
    this.counted.miss.inc();
    const answer = await this.upstream(this.objects, origin, path, 'object', 0);
    if (!answer.ok) return answer;
    this.cache.set(`${origin.nodeId}${path}`, answer.body);
    return { ok: true, body: [answer.body] };
  }

  /** An object of the origin's in this node's cache (counted as a hit), or undefined. */
  cachedObject(origin: Origin, path: string): ByteChunks | undefined {
    const cached = this.cache.get(`${origin.nodeId}${path}`);
    if (!cached) return undefined;
    this.counted.hit.inc();
    return [cached];
  }

  /** Viewers of a playback id watching through this node. */
  touchViewer(playbackId: string, client: string): void {
    let tracker = this.viewers.get(playbackId);
    if (!tracker) {
      if (this.viewers.size >= 10_000) this.viewers.clear();
      tracker = new ViewerTracker();
      this.viewers.set(playbackId, tracker);
    }
    tracker.touch(client);
  }

  viewerCount(playbackId: string): number {
    return this.viewers.get(playbackId)?.count() ?? 0;
  }

  private async upstream(
    coalescer: Coalescer<PeerAnswer>,
    origin: Origin,
    path: string,
    kind: 'playlist' | 'object',
    reuseMs: number,
  ): Promise<PlaybackAnswer<Buffer>> {
    const { value, shared } = coalescer.run(
      `${origin.nodeId}${path}`,
      async () => {
        const started = performance.now();
        try {
          const answer = await this.client.get(origin.url + path, this.timeoutMs);
          this.metrics.upstream.observe({ kind, status: String(answer.status) }, (performance.now() - started) / 1000);
          return answer;
        } catch (error) {
          this.metrics.upstream.observe({ kind, status: 'error' }, (performance.now() - started) / 1000);
          this.log.warn({ err: error, origin: origin.nodeId }, 'origin request failed');
          throw error;
        }
      },
      reuseMs,
    );
    if (shared) this.counted.coalesced[kind].inc();
    let answer: PeerAnswer;
    try {
      answer = await value;
    } catch {
      return { ok: false, status: 502, detail: 'the node serving this stream did not answer' };
    }
    if (answer.status === 200) return { ok: true, body: answer.body };
    const detail = answer.body.toString('utf8').trim().slice(0, 200) || 'upstream error';
    if (answer.status === 404 || answer.status === 400 || answer.status === 503) {
      return { ok: false, status: answer.status, detail };
    }
    return { ok: false, status: 502, detail: `the node serving this stream answered ${answer.status}` };
  }
}
