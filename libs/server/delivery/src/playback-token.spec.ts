import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { signPlaybackToken, verifyPlaybackToken, withToken } from './playback-token.js';

const secret = 'x'.repeat(40);

describe('playback tokens', () => {
  it('open one playback id until they expire', () => {
    const token = signPlaybackToken(secret, 'abc', new Date(Date.now() + 60_000));
    assert.equal(verifyPlaybackToken(secret, 'abc', token), true);
    assert.equal(verifyPlaybackToken(secret, 'other', token), false);
    assert.equal(verifyPlaybackToken('y'.repeat(40), 'abc', token), false);
    assert.equal(verifyPlaybackToken(secret, 'abc', token, Date.now() + 61_000), false);
    assert.equal(verifyPlaybackToken(secret, 'abc', undefined), false);
    assert.equal(verifyPlaybackToken(secret, 'abc', 'garbage'), false);
    assert.equal(verifyPlaybackToken(secret, 'abc', `${token.split('.')[0]}.AAAA`), false);
  });

  it('are carried on every playlist URI', () => {
    const playlist =
      '#EXTM3U\n#EXT-X-MAP:URI="init-0.mp4"\nseg-1.m4s\n#EXT-X-PRELOAD-HINT:TYPE=PART,URI="part-2.0.m4s"\n';
    assert.equal(
      withToken(playlist, '1.a-b'),
      '#EXTM3U\n#EXT-X-MAP:URI="init-0.mp4?token=1.a-b"\nseg-1.m4s?token=1.a-b\n#EXT-X-PRELOAD-HINT:TYPE=PART,URI="part-2.0.m4s?token=1.a-b"\n',
    );
  });
});
