/**
 * Wait before attempt `attempts + 1` after `attempts` failed ones: base, 2·base, 4·base … capped at `maxMs`,
 * with "equal jitter" (half fixed, half random) so uploads that failed together do not retry together.
 */
export function backoffDelayMs(
  attempts: number,
  baseMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  if (attempts < 1) return 0;
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempts - 1, 30));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
