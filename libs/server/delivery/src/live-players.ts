import { Inject, Injectable, Optional } from '@nestjs/common';
import { AppConfig } from '@rapidrtmp/server-config';
import { ROOT_LOGGER, type Logger } from '@rapidrtmp/server-logging';
import { MetricsRegistry } from '@rapidrtmp/server-metrics';
import { type LiveStream, LiveStreamRegistry } from '@rapidrtmp/server-streams';
import { EdgeLiveStreams } from './edge-live-streams.js';
import { LivePlayer, type PlayerTransport } from './live-player.js';
import { PlaybackSigner } from './playback-signer.js';
import { createPlayerMetrics, type PlayerMetrics, type PlayerProtocol, type PlayerRefusal } from './player-metrics.js';

const PLAYBACK_ID = /^[a-z0-9]{1,32}$/;
const NOT_FOUND = 'No live stream with this playback id.';
const TOKEN_NEEDED = 'This stream needs a valid playback token (?token=).';

export interface PlayRequest {
  /** The name the player asked for: a playback id (a stream key is never looked up). */
  playbackId: string;
  /** The playback token (`?token=`), needed for a stream with signed playback. */
  token: string | undefined;
  protocol: PlayerProtocol;
  /**
   * Another node of the cluster relaying this stream to its own players (it checked their tokens): served
   * without a token, and never relayed on from here.
   */
  peer?: boolean;
}

export type PlayAdmission =
  | {
      admitted: true;
      stream: LiveStream;
      /** Starts the player on `transport`, counted until it ends. Call at once (the caps were checked now). */
      start(transport: PlayerTransport): LivePlayer;
    }
  | { admitted: false; reason: PlayerRefusal; status: 403 | 404 | 503; detail: string };

/**
 * Admits RTMP and HTTP-FLV players: by playback id only, with a valid token for signed playback, within the
 * node-wide and per-stream player caps; and counts them (metrics, viewers). A stream published to another
 * node of a cluster is played through this node's relay of it (EdgeLiveStreams), so players may connect to
 * any node.
 */
@Injectable()
export class LivePlayers {
  readonly metrics: PlayerMetrics;
  private readonly log: Logger;
  private total = 0;
  private readonly byPlayback = new Map<string, number>();

  constructor(
    private readonly config: AppConfig,
    private readonly registry: LiveStreamRegistry,
    private readonly signer: PlaybackSigner,
    metrics: MetricsRegistry,
    @Inject(ROOT_LOGGER) logger: Logger,
    @Optional() private readonly edge?: EdgeLiveStreams,
  ) {
    this.metrics = createPlayerMetrics(metrics);
    this.log = logger.child({ module: 'players' });
  }

  /** Players of a playback id on this node now. */
  count(playbackId: string): number {
    return this.byPlayback.get(playbackId) ?? 0;
  }

  get size(): number {
    return this.total;
  }

  async admit(request: PlayRequest): Promise<PlayAdmission> {
    const { playbackId, token, protocol } = request;
    const refuse = (reason: PlayerRefusal, status: 403 | 404 | 503, detail: string): PlayAdmission => {
      this.metrics.refused.get(protocol, reason).inc();
      return { admitted: false, reason, status, detail };
    };
    if (!PLAYBACK_ID.test(playbackId)) return refuse('not_found', 404, NOT_FOUND);
    const local = this.registry.byPlaybackId(playbackId);
    if (local && !local.ended) {
      if (!request.peer && local.info.signedPlayback && !this.signer.verify(playbackId, token)) {
        return refuse('forbidden', 403, TOKEN_NEEDED);
      }
      return this.withinCaps(playbackId, refuse) ?? this.admitted(local, protocol);
    }
    const holder = request.peer ? undefined : await this.edge?.holderElsewhere(playbackId);
    if (!holder) return refuse('not_found', 404, NOT_FOUND);
    if (holder.signedPlayback && !this.signer.verify(playbackId, token)) return refuse('forbidden', 403, TOKEN_NEEDED);
    const capped = this.withinCaps(playbackId, refuse);
    if (capped) return capped;
    if (!holder.url)
      return refuse('other_node', 503, 'The node this stream is live on cannot be reached (no NODE_URL).');
    const relayed = await this.edge?.acquire(playbackId, { ...holder, url: holder.url });
    if (!relayed)
      return refuse('other_node', 503, 'The node this stream is live on did not send it in time; try again.');
    return this.admitted(relayed.stream, protocol, relayed.release);
  }

  private withinCaps(
    playbackId: string,
    refuse: (reason: PlayerRefusal, status: 503, detail: string) => PlayAdmission,
  ): PlayAdmission | undefined {
    const { maxPlayers, maxPlayersPerStream } = this.config.playback;
    if (this.total >= maxPlayers) return refuse('player_limit', 503, 'Too many players on this server.');
    if (this.count(playbackId) >= maxPlayersPerStream) {
      return refuse('stream_player_limit', 503, 'Too many players of this stream on this server.');
    }
    return undefined;
  }

  private admitted(stream: LiveStream, protocol: PlayerProtocol, release?: () => void): PlayAdmission {
    let started = false;
    // A relay held for a player that never starts (the client left meanwhile) is let go soon after.
    const unused = release && setTimeout(release, 10_000).unref();
    return {
      admitted: true,
      stream,
      start: (transport) => {
        if (started) throw new Error('a play admission starts one player');
        started = true;
        clearTimeout(unused);
        return this.start(stream, transport, protocol, release);
      },
    };
  }

  private start(
    stream: LiveStream,
    transport: PlayerTransport,
    protocol: PlayerProtocol,
    release: (() => void) | undefined,
  ): LivePlayer {
    const { playbackId } = stream.info;
    this.total++;
    this.byPlayback.set(playbackId, this.count(playbackId) + 1);
    const gauge = this.metrics.players.get(protocol);
    gauge.inc();
    const player = new LivePlayer(stream, transport, {
      protocol,
      maxQueuedBytes: this.config.playback.maxQueuedBytes,
      stallTimeoutMs: this.config.playback.stallTimeoutMs,
      metrics: this.metrics,
      onEnd: (reason) => {
        this.total--;
        const left = this.count(playbackId) - 1;
        if (left > 0) this.byPlayback.set(playbackId, left);
        else this.byPlayback.delete(playbackId);
        gauge.dec();
        release?.();
        if (reason === 'stalled' || reason === 'slow') {
          this.log.info({ playbackId, protocol, reason }, 'player disconnected for not keeping up');
        }
      },
    });
    player.start();
    return player;
  }
}
