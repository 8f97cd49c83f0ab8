import { Inject, Injectable, Optional } from '@nestjs/common';
import { StreamOwnership } from '@rapidrtmp/server-cluster';
import { AppConfig } from '@rapidrtmp/server-config';
import { ROOT_LOGGER, type Logger } from '@rapidrtmp/server-logging';
import { MetricsRegistry } from '@rapidrtmp/server-metrics';
import { type LiveStream, LiveStreamRegistry } from '@rapidrtmp/server-streams';
import { LivePlayer, type PlayerTransport } from './live-player.js';
import { PlaybackSigner } from './playback-signer.js';
import { createPlayerMetrics, type PlayerMetrics, type PlayerProtocol, type PlayerRefusal } from './player-metrics.js';

const PLAYBACK_ID = /^[a-z0-9]{1,32}$/;

export interface PlayRequest {
  /** The name the player asked for: a playback id (a stream key is never looked up). */
  playbackId: string;
  /** The playback token (`?token=`), needed for a stream with signed playback. */
  token: string | undefined;
  protocol: PlayerProtocol;
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
 * Admits RTMP and HTTP-FLV players of this node's live streams: by playback id only, with a valid token for
 * signed playback, within the node-wide and per-stream player caps; and counts them (metrics, viewers).
 * A stream published to another node of a cluster is not relayed: the player is told where it is live.
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
    @Optional() private readonly ownership?: StreamOwnership,
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
    const stream = PLAYBACK_ID.test(playbackId) ? this.registry.byPlaybackId(playbackId) : undefined;
    if (!stream || stream.ended) {
      if (PLAYBACK_ID.test(playbackId) && (await this.liveElsewhere(playbackId))) {
        return refuse(
          'other_node',
          404,
          'This stream is live on another node: RTMP and HTTP-FLV playback are served by the node it is published to (HLS plays from any node).',
        );
      }
      return refuse('not_found', 404, 'No live stream with this playback id.');
    }
    if (stream.info.signedPlayback && !this.signer.verify(playbackId, token)) {
      return refuse('forbidden', 403, 'This stream needs a valid playback token (?token=).');
    }
    const { maxPlayers, maxPlayersPerStream } = this.config.playback;
    if (this.total >= maxPlayers) return refuse('player_limit', 503, 'Too many players on this server.');
    if (this.count(playbackId) >= maxPlayersPerStream) {
      return refuse('stream_player_limit', 503, 'Too many players of this stream on this server.');
    }
    return { admitted: true, stream, start: (transport) => this.start(stream, transport, protocol) };
  }

  private start(stream: LiveStream, transport: PlayerTransport, protocol: PlayerProtocol): LivePlayer {
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
        if (reason === 'stalled' || reason === 'slow') {
          this.log.info({ playbackId, protocol, reason }, 'player disconnected for not keeping up');
        }
      },
    });
    player.start();
    return player;
  }

  /** Whether another node of the cluster holds the stream (a directory outage answers no). */
  private async liveElsewhere(playbackId: string): Promise<boolean> {
    try {
      const holder = await this.ownership?.holderOf(playbackId);
      return holder !== undefined && holder.nodeId !== this.config.nodeId;
    } catch {
      return false;
    }
  }
}
