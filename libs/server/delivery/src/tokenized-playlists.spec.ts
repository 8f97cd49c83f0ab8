import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { withToken } from './playback-token.js';
import { TokenizedPlaylists } from './tokenized-playlists.js';

const PLAYLIST = [
  '#EXTM3U',
  '#EXT-X-MAP:URI="init-0.mp4"',
  '#EXTINF:2.00000,',
  'seg-4.m4s',
  '#EXT-X-PART:DURATION=0.25000,URI="part-5.0.m4s",INDEPENDENT=YES',
  '#EXT-X-PRELOAD-HINT:TYPE=PART,URI="part-5.1.m4s"',
  '',
].join('\n');
const NEXT = PLAYLIST.replace('part-5.1', 'part-5.2');

describe('TokenizedPlaylists', () => {
  it('gives withToken’s bytes, the same Buffer for a rendering and token until the rendering changes', () => {
    const playlists = new TokenizedPlaylists();
    const first = playlists.bytes('playlist', PLAYLIST, '1700000000.abc');
    assert.equal(first.toString(), withToken(PLAYLIST, '1700000000.abc'));
    assert.match(first.toString(), /URI="part-5\.1\.m4s\?token=1700000000\.abc"/);
    assert.equal(playlists.bytes('playlist', PLAYLIST, '1700000000.abc'), first);
    // An equal text made anew (another rendering of the same window) is still the same answer.
    assert.equal(playlists.bytes('playlist', `${PLAYLIST}`.slice(0), '1700000000.abc'), first);
    const next = playlists.bytes('playlist', NEXT, '1700000000.abc');
    assert.notEqual(next, first);
    assert.equal(next.toString(), withToken(NEXT, '1700000000.abc'));
  });

  it('keeps tokens and kinds apart', () => {
    const playlists = new TokenizedPlaylists();
    const a = playlists.bytes('playlist', PLAYLIST, '1.a');
    const b = playlists.bytes('playlist', PLAYLIST, '1.b');
    assert.notEqual(a, b);
    assert.match(b.toString(), /seg-4\.m4s\?token=1\.b\n/);
    const multivariant = '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nab12/media.m3u8\n';
    const m = playlists.bytes('multivariant', multivariant, '1.a');
    assert.equal(m.toString(), withToken(multivariant, '1.a'));
    // The media playlist of token a is still kept beside its multivariant one.
    assert.equal(playlists.bytes('playlist', PLAYLIST, '1.a'), a);
  });

  it('is bounded: past its tokens the oldest goes first', () => {
    const playlists = new TokenizedPlaylists(2);
    const first = playlists.bytes('playlist', PLAYLIST, '1.t0');
    for (let i = 1; i < 10; i++) playlists.bytes('playlist', PLAYLIST, `1.t${i}`);
    assert.equal(playlists.size, 4);
    const again = playlists.bytes('playlist', PLAYLIST, '1.t0');
    assert.notEqual(again, first);
    assert.equal(again.toString(), first.toString());
  });
});
