import { createHash, randomBytes, randomInt } from 'node:crypto';

/** Stream keys look like `live_<32 url-safe chars>`: 192 random bits, safe in an RTMP URL path. */
export const STREAM_KEY_PREFIX = 'live_';
const KEY_PREFIX_LENGTH = 12;
const PLAYBACK_ID_ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';

export interface GeneratedStreamKey {
  key: string;
  hash: string;
  /** The first characters, shown in lists so users can tell keys apart; not enough to publish. */
  prefix: string;
}

export function generateStreamKey(): GeneratedStreamKey {
  const key = STREAM_KEY_PREFIX + randomBytes(24).toString('base64url');
  return { key, hash: hashStreamKey(key), prefix: key.slice(0, KEY_PREFIX_LENGTH) };
}

/** Keys are high-entropy random strings, so a plain SHA-256 is a sufficient (and fast) at-rest hash. */
export function hashStreamKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Public id for playback URLs: 16 characters without look-alikes (no 0/o, 1/l). */
export function generatePlaybackId(): string {
  let id = '';
  for (let i = 0; i < 16; i++) id += PLAYBACK_ID_ALPHABET[randomInt(PLAYBACK_ID_ALPHABET.length)];
  return id;
}

/** Cheap shape check before touching the database: rejects junk and oversized input outright. */
export function looksLikeStreamKey(candidate: string): boolean {
  return candidate.length >= 8 && candidate.length <= 128 && /^[A-Za-z0-9_-]+$/.test(candidate);
}
