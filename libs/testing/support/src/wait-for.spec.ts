import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { waitFor } from './index.js';

describe('waitFor', () => {
  it('resolves with the first value that is neither undefined nor false', async () => {
    let calls = 0;
    const probe = () => [undefined, false, 0, 1][calls++];
    assert.equal(await waitFor('a value', probe, 1000, 1), 0);
    assert.equal(calls, 3);
    assert.equal(await waitFor('a flag', async () => true, 1000, 1), true);
  });

  it('throws after the timeout, naming what it waited for', async () => {
    await assert.rejects(
      waitFor(
        () => 'the impossible',
        () => false,
        30,
        5,
      ),
      /timed out after 30 ms waiting for the impossible/,
    );
  });
});
