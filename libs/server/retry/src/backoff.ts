export interface BackoffOptions {
  /**
   * "Equal jitter" (default true): half the delay fixed, half random, so failures that happened
   * together do not retry together. Off where callers are promised an exact schedule.
   */
  jitter?: boolean;
  /** In [0, 1); tests pass a fixed one. */
  random?: () => number;
}

/**
 * Wait before attempt `attempts + 1` after `attempts` failed ones: base, 2·base, 4·base … capped at
 * `maxMs` (0 before any attempt), with jitter unless turned off.
 */
export function backoffDelayMs(attempts: number, baseMs: number, maxMs: number, options: BackoffOptions = {}): number {
  if (attempts < 1) return 0;
  // 2^30 already exceeds any sane cap; clamping the exponent keeps the arithmetic finite.
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempts - 1, 30));
  if (options.jitter === false) return ceiling;
  const random = options.random ?? Math.random;
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
