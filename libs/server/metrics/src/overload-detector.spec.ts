import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OverloadDetector } from './overload-detector.js';

const ms = (p99Ms: number) => ({ p99Ms, maxMs: p99Ms });

describe('OverloadDetector', () => {
  it('turns overloaded after consecutive windows above the threshold, back only well under it', () => {
    const detector = new OverloadDetector(200, 2);
    assert.equal(detector.sample(ms(300)), undefined, 'one window is a blip');
    assert.equal(detector.sample(ms(50)), undefined);
    assert.equal(detector.sample(ms(300)), undefined);
    assert.deepEqual(detector.sample(ms(250)), { overloaded: true, sample: ms(250) });
    assert.equal(detector.sample(ms(400)), undefined, 'reported once');
    assert.equal(detector.sample(ms(150)), undefined, 'under the threshold but not under half: still overloaded');
    assert.deepEqual(detector.sample(ms(80)), { overloaded: false, sample: ms(80) });
    assert.equal(detector.overloaded, false);
  });
});
