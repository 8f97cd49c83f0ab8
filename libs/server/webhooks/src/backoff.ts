/**
 * Delay before the next attempt after `attempts` failed ones: base, 2·base, 4·base … capped at `maxMs`.
 * `attempts` counts every attempt made so far (1 after the first failure).
 */
export function backoffDelayMs(attempts: number, baseMs: number, maxMs: number): number {
  if (attempts < 1) return 0;
  // 2^30 already exceeds any sane cap; clamping the exponent keeps the arithmetic finite.
  return Math.min(maxMs, baseMs * 2 ** Math.min(attempts - 1, 30));
}

export type AttemptOutcome = { status: 'succeeded' } | { status: 'failed' } | { status: 'pending'; retryInMs: number };

/** What happens to a delivery after an attempt: done, given up, or retried later. */
export function nextStep(
  succeeded: boolean,
  attempts: number,
  policy: { maxAttempts: number; backoffBaseMs: number; backoffMaxMs: number },
): AttemptOutcome {
  if (succeeded) return { status: 'succeeded' };
  if (attempts >= policy.maxAttempts) return { status: 'failed' };
  return { status: 'pending', retryInMs: backoffDelayMs(attempts, policy.backoffBaseMs, policy.backoffMaxMs) };
}
