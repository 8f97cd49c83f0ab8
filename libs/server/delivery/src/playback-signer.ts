import { createHmac, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '@rapidrtmp/server-config';
import { playbackTokenExpiry, signPlaybackToken, verifyPlaybackToken } from './playback-token.js';

/** Tokens checked once and then known until they expire (one entry per viewer token: bounded). */
const VERIFIED_TOKENS = 10_000;

/**
 * Issues and checks playback tokens with PLAYBACK_SIGNING_SECRET; in a cluster without it, with a secret
 * derived from CLUSTER_SECRET (every node checks what any node issued); alone, with a per-node secret kept in
 * DATA_DIR.
 */
@Injectable()
export class PlaybackSigner {
  private readonly secret: string;
  /** `playbackId token` -> expiry (ms) of tokens that passed the check: a viewer's every request needs no HMAC. */
  private readonly verified = new Map<string, number>();

  constructor(config: AppConfig) {
    this.secret =
      config.playbackSigningSecret ??
      (config.cluster.secret === undefined ? loadOrCreateSecret(config.dataDir) : deriveSecret(config.cluster.secret));
  }

  /**
   * A token valid for at least `ttlSeconds`. Its expiry is rounded up to a step of a tenth of the lifetime (at
   * most a minute), so viewers who get one within the same step share it, and the lanes' answers for one
   * (playlists with the token in every URI) are made once for all of them.
   */
  sign(playbackId: string, ttlSeconds: number): { token: string; expiresAt: Date } {
    const stepMs = Math.max(1000, Math.min(60_000, ttlSeconds * 100));
    const expiresAt = new Date(Math.ceil((Date.now() + ttlSeconds * 1000) / stepMs) * stepMs);
    return { token: signPlaybackToken(this.secret, playbackId, expiresAt), expiresAt };
  }

  verify(playbackId: string, token: string | undefined, now = Date.now()): boolean {
    if (token === undefined) return false;
    const key = `${playbackId} ${token}`;
    const expiry = this.verified.get(key);
    if (expiry !== undefined) {
      if (expiry > now) return true;
      this.verified.delete(key);
    }
    if (!verifyPlaybackToken(this.secret, playbackId, token, now)) return false;
    if (this.verified.size >= VERIFIED_TOKENS) this.forgetExpired(now);
    this.verified.set(key, playbackTokenExpiry(token) ?? now);
    return true;
  }

  /** Drops expired tokens; when none has expired, the oldest half (they are checked again when they come back). */
  private forgetExpired(now: number): void {
    for (const [key, expiry] of this.verified) if (expiry <= now) this.verified.delete(key);
    if (this.verified.size < VERIFIED_TOKENS) return;
    let drop = this.verified.size / 2;
    for (const key of this.verified.keys()) {
      if (drop-- <= 0) break;
      this.verified.delete(key);
    }
  }
}

/** A signing secret of its own from the cluster's shared one (tokens never reveal or reuse CLUSTER_SECRET). */
function deriveSecret(clusterSecret: string): string {
  return createHmac('sha256', clusterSecret).update('rapidrtmp playback signing v1').digest('base64url');
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
