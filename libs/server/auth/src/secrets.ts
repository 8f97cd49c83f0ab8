import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Prefixes make leaked secrets recognizable (secret scanners) and tell the two bearer kinds apart. */
export const SESSION_TOKEN_PREFIX = 'rrs_';
export const API_TOKEN_PREFIX = 'rrt_';
const DISPLAY_PREFIX_LENGTH = 12;

export function newSecret(prefix = ''): string {
  return prefix + randomBytes(32).toString('base64url');
}

/** Secrets are 256 random bits, so SHA-256 at rest is enough (no slow hash needed). */
export function sha256(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function displayPrefix(secret: string): string {
  return secret.slice(0, DISPLAY_PREFIX_LENGTH);
}

export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}
