import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nextStep } from './backoff.js';
import { DEFAULT_WEBHOOK_OPTIONS, claimLeaseMs, resolveWebhookOptions } from './webhook-options.js';

describe('delivery retries', () => {
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
