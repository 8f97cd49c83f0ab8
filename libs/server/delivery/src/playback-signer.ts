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

/** HMAC-SHA256 keys shorter than this are guessable; an empty one would make every token forgeable. */
const MIN_SECRET_BYTES = 32;

function loadOrCreateSecret(dataDir: string): string {
  const path = join(dataDir, 'playback-signing.secret');
  let secret: string;
  try {
    secret = readFileSync(path, 'utf8').trim();
  } catch (error) {
    // Only a missing file is created; an unreadable one must stop the start, not be replaced.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    mkdirSync(dataDir, { recursive: true });
    secret = randomBytes(32).toString('base64url');
    writeFileSync(path, secret, { mode: 0o600, flag: 'wx' });
  }
  const bytes = Buffer.byteLength(secret);
  if (bytes < MIN_SECRET_BYTES) {
    throw new Error(
      `${path} holds ${bytes} bytes; at least ${MIN_SECRET_BYTES} are needed to sign playback tokens. ` +
        'Delete the file (a new random secret is created at start) or set PLAYBACK_SIGNING_SECRET (32+ characters).',
    );
  }
  return secret;
}
