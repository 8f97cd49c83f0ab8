import { backoffDelayMs } from '@rapidrtmp/server-retry';

export type AttemptOutcome = { status: 'succeeded' } | { status: 'failed' } | { status: 'pending'; retryInMs: number };

/** What happens to a delivery after an attempt: done, given up, or retried later. */
export function nextStep(
  succeeded: boolean,
  attempts: number,
  policy: { maxAttempts: number; backoffBaseMs: number; backoffMaxMs: number },
): AttemptOutcome {
  if (succeeded) return { status: 'succeeded' };
  if (attempts >= policy.maxAttempts) return { status: 'failed' };
  // No jitter: the schedule (1 s, 2 s, 4 s …) is documented to receivers, and a failing endpoint costs
  // one attempt per round anyway, so retries that fell due together do not hammer it together.
  const retryInMs = backoffDelayMs(attempts, policy.backoffBaseMs, policy.backoffMaxMs, { jitter: false });
  return { status: 'pending', retryInMs };
}
