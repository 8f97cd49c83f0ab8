import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffDelayMs, nextStep } from './backoff.js';
import { DEFAULT_WEBHOOK_OPTIONS, claimLeaseMs, resolveWebhookOptions } from './webhook-options.js';

describe('backoff', () => {
  it('doubles from the base after each failed attempt', () => {
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelayMs(n, 1000, 600_000)),
      [1000, 2000, 4000, 8000, 16_000, 32_000, 64_000],
    );
  });

  it('is capped and stays finite for absurd attempt counts', () => {
    assert.equal(backoffDelayMs(12, 1000, 60_000), 60_000);
    assert.equal(backoffDelayMs(10_000, 1000, 60_000), 60_000);
    assert.equal(backoffDelayMs(0, 1000, 60_000), 0);
  });

  it('retries until the last attempt, then gives up', () => {
    const policy = { maxAttempts: 8, backoffBaseMs: 1000, backoffMaxMs: 600_000 };
    assert.deepEqual(nextStep(true, 1, policy), { status: 'succeeded' });
    assert.deepEqual(nextStep(true, 8, policy), { status: 'succeeded' });
    assert.deepEqual(nextStep(false, 1, policy), { status: 'pending', retryInMs: 1000 });
    assert.deepEqual(nextStep(false, 7, policy), { status: 'pending', retryInMs: 64_000 });
    assert.deepEqual(nextStep(false, 8, policy), { status: 'failed' });
  });

  it('defaults: 1 s base, 8 attempts, 5 s timeout; the claim lease outlasts a full round', () => {
    const options = resolveWebhookOptions();
    assert.equal(options.backoffBaseMs, 1000);
    assert.equal(options.maxAttempts, 8);
    assert.equal(options.requestTimeoutMs, 5000);
    assert.ok(claimLeaseMs(options) > options.requestTimeoutMs * options.batchSize);
    assert.equal(resolveWebhookOptions({ backoffBaseMs: 10 }).backoffBaseMs, 10);
    assert.equal(DEFAULT_WEBHOOK_OPTIONS.backoffBaseMs, 1000);
    assert.throws(() => resolveWebhookOptions({ maxAttempts: 0 }), /maxAttempts/);
  });
});
