import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '@rapidrtmp/server-config';
import { signPlaybackToken, verifyPlaybackToken } from './playback-token.js';

/** Issues and checks playback tokens with PLAYBACK_SIGNING_SECRET, or a per-node secret kept in DATA_DIR. */
@Injectable()
export class PlaybackSigner {
  private readonly secret: string;

  constructor(config: AppConfig) {
    this.secret = config.playbackSigningSecret ?? loadOrCreateSecret(config.dataDir);
  }

  sign(playbackId: string, ttlSeconds: number): { token: string; expiresAt: Date } {
    const expiresAt = new Date(Date.now() + ttlSeconds * 1000);
    return { token: signPlaybackToken(this.secret, playbackId, expiresAt), expiresAt };
  }

  verify(playbackId: string, token: string | undefined): boolean {
    return verifyPlaybackToken(this.secret, playbackId, token);
  }
}

function loadOrCreateSecret(dataDir: string): string {
  const path = join(dataDir, 'playback-signing.secret');
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    mkdirSync(dataDir, { recursive: true });
    const secret = randomBytes(32).toString('base64url');
    writeFileSync(path, secret, { mode: 0o600, flag: 'wx' });
    return secret;
  }
}
