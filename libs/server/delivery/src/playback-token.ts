import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Short-lived playback tokens for keys with signed playback: `<expiry unix seconds>.<base64url HMAC>`
 * over `<playbackId>.<expiry>`, so a token opens exactly one playback id until it expires.
 */
export function signPlaybackToken(secret: string, playbackId: string, expiresAt: Date): string {
  const expiry = Math.floor(expiresAt.getTime() / 1000);
  return `${expiry}.${mac(secret, playbackId, expiry)}`;
}

/** When a well-formed token expires (ms), or undefined for one that is not (its MAC is not checked). */
export function playbackTokenExpiry(token: string | undefined): number | undefined {
  if (!token || token.length > 128) return undefined;
  const dot = token.indexOf('.');
  const expiry = Number(token.slice(0, dot));
  return dot <= 0 || !Number.isInteger(expiry) ? undefined : expiry * 1000;
}

export function verifyPlaybackToken(
  secret: string,
  playbackId: string,
  token: string | undefined,
  now = Date.now(),
): boolean {
  const expiresAt = playbackTokenExpiry(token);
  if (!token || expiresAt === undefined || expiresAt <= now) return false;
  const dot = token.indexOf('.');
  const expected = Buffer.from(mac(secret, playbackId, expiresAt / 1000));
  const presented = Buffer.from(token.slice(dot + 1));
  return expected.length === presented.length && timingSafeEqual(expected, presented);
}

function mac(secret: string, playbackId: string, expiry: number): string {
  return createHmac('sha256', secret).update(`${playbackId}.${expiry}`).digest('base64url');
}

/** Adds `token=` to every URI of a playlist (URI lines and URI="..." attributes) so relative fetches carry it. */
export function withToken(playlist: string, token: string): string {
  const query = `token=${encodeURIComponent(token)}`;
  const append = (uri: string) => `${uri}${uri.includes('?') ? '&' : '?'}${query}`;
  return playlist
    .split('\n')
    .map((line) => {
      if (line === '') return line;
      if (!line.startsWith('#')) return append(line);
      return line.replace(/URI="([^"]+)"/g, (_m, uri: string) => `URI="${append(uri)}"`);
    })
    .join('\n');
}
