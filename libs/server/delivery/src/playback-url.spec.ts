import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { livePlaybackUrl } from './playback-url.js';

describe('livePlaybackUrl', () => {
  it('points at the multivariant playlist, with the token encoded when there is one', () => {
    assert.equal(livePlaybackUrl('https://s.test', 'k7m2q9x4'), 'https://s.test/live/k7m2q9x4/index.m3u8');
    assert.equal(
      livePlaybackUrl('https://s.test', 'k7m2q9x4', '1767225600.a+b/c='),
      'https://s.test/live/k7m2q9x4/index.m3u8?token=1767225600.a%2Bb%2Fc%3D',
    );
  });
});
