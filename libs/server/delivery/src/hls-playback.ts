import { Injectable } from '@nestjs/common';
import { AppConfig } from '@rapidrtmp/server-config';
import type { LivePlayback } from '@rapidrtmp/server-stream-keys';
import { HlsService } from './hls.service.js';
import { LivePlayers } from './live-players.js';
import { PlaybackSigner } from './playback-signer.js';
import { livePlaybackUrl } from './playback-url.js';

/** Playback as the key and stream APIs show it (bound as their LivePlayback): HLS URLs, tokens, viewers. */
@Injectable()
export class HlsPlayback implements LivePlayback {
  constructor(
    private readonly config: AppConfig,
    private readonly hls: HlsService,
    private readonly signer: PlaybackSigner,
    private readonly players: LivePlayers,
  ) {}

  url(playbackId: string, token?: string): string {
    return livePlaybackUrl(this.config.publicUrl, playbackId, token);
  }

  sign(playbackId: string, ttlSeconds: number): { token: string; expiresAt: Date } {
    return this.signer.sign(playbackId, ttlSeconds);
  }

  viewers(playbackId: string): number {
    // HLS viewers are an estimate from recent requests; RTMP and HTTP-FLV players are counted exactly.
    return this.hls.viewers(playbackId) + this.players.count(playbackId);
  }
}
