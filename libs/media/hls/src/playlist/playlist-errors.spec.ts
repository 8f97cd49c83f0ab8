// Parsing is the edge's network boundary: garbage is a PlaylistFormatError with a code (a MediaFormatError,
// so the edge counts it with the other media errors), nothing else, and the input size is bounded.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { MediaFormatError } from '@rapidrtmp/media-core';
import { SeededRandom } from '@rapidrtmp/media-core/testing';
import { marshalMediaPlaylist, parseMediaPlaylist } from './media-playlist.js';
import { marshalMultivariantPlaylist, parseMultivariantPlaylist } from './multivariant-playlist.js';
import { parsePlaylist } from './playlist.js';
import { type PlaylistErrorCode, PlaylistFormatError } from './playlist-error.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`../../fixtures/playlists/${name}`, import.meta.url), 'utf8');

const MEDIA = '#EXTM3U\n#EXT-X-TARGETDURATION:2\n';
const LL = `${MEDIA}#EXT-X-PART-INF:PART-TARGET=0.500\n`;

function assertRejects(
  input: string | Uint8Array,
  code: PlaylistErrorCode,
  line?: number,
  parse: (input: string | Uint8Array) => unknown = parsePlaylist,
) {
  assert.throws(
    () => parse(input),
    (e: unknown) => {
      assert.ok(e instanceof PlaylistFormatError, `${String(e)} for ${JSON.stringify(String(input))}`);
      assert.ok(e instanceof MediaFormatError);
      assert.equal(e.code, code, `${e.message} for ${JSON.stringify(String(input))}`);
      if (line !== undefined) assert.equal(e.line, line, e.message);
      return true;
    },
  );
}

describe('playlist parsing rejects garbage with a typed error', () => {
  it('that is not a playlist at all', () => {
    assertRejects('', 'playlist-header-missing', 1);
    assertRejects('<!doctype html><html><body>502 Bad Gateway</body></html>', 'playlist-header-missing', 1);
    assertRejects('{"error":"not found"}', 'playlist-header-missing', 1);
    assertRejects(' #EXTM3U\n', 'playlist-header-missing', 1);
    assertRejects('#EXTM3U8\n', 'playlist-header-missing', 1);
    assertRejects('#EXTM3U\n#EXT-X-VERSION:3\n', 'playlist-kind-mismatch', 0);
    assertRejects('\ufeff#EXTM3U\n#EXT-X-TARGETDURATION:2\n', 'playlist-encoding-invalid', 1);
    assertRejects(`${MEDIA}#EXTINF:2,\nseg\u0000.m4s\n`, 'playlist-encoding-invalid', 4);
    assertRejects(`${MEDIA}#EXTINF:2,\nseg.m4s\rx\n`, 'playlist-encoding-invalid', 4);
    assertRejects(
      Buffer.from([0x23, 0x45, 0x58, 0x54, 0x4d, 0x33, 0x55, 0x0a, 0xc3, 0x28]),
      'playlist-encoding-invalid',
    );
    assertRejects(new SeededRandom(7).bytes(4096), 'playlist-encoding-invalid');
  });

  it('that is over the limits, before doing any work on it', () => {
    const long = `${MEDIA}${'#EXTINF:2,\nseg.m4s\n'.repeat(70_000)}`;
    assertRejects(long, 'playlist-too-large', 0);
    assertRejects(long, 'playlist-too-many-lines', 0, (input) => parsePlaylist(input, { maxBytes: 2 << 20 }));
    assertRejects(`${MEDIA}#EXTINF:2,\n${'a'.repeat(9000)}\n`, 'playlist-line-too-long', 4);
    assertRejects(MEDIA, 'playlist-too-large', 0, (input) => parsePlaylist(input, { maxBytes: 10 }));
    const started = performance.now();
    assert.equal(parseMediaPlaylist(long, { maxBytes: 2 << 20, maxLines: 1 << 18 }).segments.length, 70_000);
    assert.ok(performance.now() - started < 2000, 'a 1.3 MB playlist parses in well under 2 s');
  });

  it('with a broken media playlist structure', () => {
    assertRejects('#EXTM3U\n#EXTINF:2,\nseg.m4s\n', 'playlist-tag-missing', 0);
    assertRejects(`${MEDIA}seg.m4s\n`, 'playlist-tag-misplaced', 3);
    assertRejects(`${MEDIA}#EXTINF:2,\n`, 'playlist-segment-incomplete', 3);
    assertRejects(`${MEDIA}#EXTINF:2,\n#EXTINF:2,\nseg.m4s\n`, 'playlist-tag-duplicate', 4);
    assertRejects(`${MEDIA}#EXT-X-TARGETDURATION:2\n`, 'playlist-tag-duplicate', 3);
    assertRejects(`${MEDIA}#EXT-X-MAP:URI="a"\n#EXT-X-MAP:URI="b"\n#EXTINF:2,\ns\n`, 'playlist-tag-duplicate', 4);
    assertRejects(`${MEDIA}#EXTINF:2,\ns\n#EXT-X-MEDIA-SEQUENCE:4\n`, 'playlist-tag-misplaced', 5);
    assertRejects(`${MEDIA}#EXT-X-DISCONTINUITY\n#EXT-X-DISCONTINUITY-SEQUENCE:4\n`, 'playlist-tag-misplaced', 4);
    assertRejects(`${LL}#EXTINF:2,\ns\n#EXT-X-SKIP:SKIPPED-SEGMENTS=1\n`, 'playlist-tag-misplaced', 6);
    assertRejects(`${MEDIA}#EXT-X-BYTERANGE:100@0\n#EXTINF:2,\ns\n`, 'playlist-tag-misplaced', 3);
    assertRejects(`${MEDIA}#EXT-X-PART:DURATION=0.5,URI="p"\n`, 'playlist-tag-missing', 0);
    assertRejects(`${MEDIA}#EXT-X-PRELOAD-HINT:TYPE=PART,URI="p"\n`, 'playlist-tag-missing', 0);
    assertRejects(
      `${LL}#EXT-X-PRELOAD-HINT:TYPE=PART,URI="p"\n#EXT-X-PRELOAD-HINT:TYPE=PART,URI="q"\n`,
      'playlist-tag-duplicate',
      5,
    );
    assertRejects(`${MEDIA}#EXT-X-STREAM-INF:BANDWIDTH=1\nx.m3u8\n`, 'playlist-kind-mismatch', 3, parseMediaPlaylist);
    assertRejects(`${MEDIA}#EXT-X-KEY:METHOD=AES-128,URI="k"\n`, 'playlist-tag-unsupported', 3);
    assertRejects(`${MEDIA}#EXT-X-DEFINE:NAME="a",VALUE="b"\n`, 'playlist-tag-unsupported', 3);
    assertRejects('#EXTM3U\n#EXT-X-VERSION:13\n#EXT-X-TARGETDURATION:2\n', 'playlist-version-unsupported', 2);
  });

  it('with malformed tag values', () => {
    for (const [line, tag] of [
      [2, '#EXT-X-TARGETDURATION:2.5'],
      [2, '#EXT-X-TARGETDURATION:0'],
      [2, '#EXT-X-TARGETDURATION:'],
      [2, '#EXT-X-TARGETDURATION'],
      [2, '#EXT-X-TARGETDURATION:1234567890123456'],
      [3, '#EXT-X-MEDIA-SEQUENCE:-1'],
      [3, '#EXT-X-PLAYLIST-TYPE:LIVE'],
      [3, '#EXT-X-ENDLIST:YES'],
      [3, '#EXT-X-INDEPENDENT-SEGMENTS:YES'],
      [3, '#EXT-X-PROGRAM-DATE-TIME:yesterday'],
      [3, '#EXT-X-PROGRAM-DATE-TIME:2026-13-04T05:02:23.514Z'],
      [3, '#EXT-X-PROGRAM-DATE-TIME:2026-12-04 05:02:23Z'],
      [3, '#EXTINF:-2,'],
      [3, '#EXTINF:two,'],
      [3, '#EXTINF:NaN,'],
      [3, '#EXT-X-MAP:URI=init.mp4'],
      [3, '#EXT-X-MAP:URI="init.mp4'],
      [3, '#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,,HOLD-BACK=6'],
      [3, '#EXT-X-PART-INF:PART-TARGET=0.5,PART-TARGET=0.5'],
      [3, '#EXT-X-DISCONTINUITY:1'],
    ] as const) {
      const text = line === 2 ? `#EXTM3U\n${tag}\n#EXTINF:2,\ns\n` : `${MEDIA}${tag}\n#EXTINF:2,\ns\n`;
      assertRejects(text, 'playlist-tag-invalid', line);
    }
  });

  it('with a broken multivariant playlist', () => {
    const variant = '#EXT-X-STREAM-INF:BANDWIDTH=1000,CODECS="avc1.64001f"';
    assertRejects(`#EXTM3U\n${variant}\n`, 'playlist-tag-missing', 2);
    assertRejects(`#EXTM3U\n${variant}\n#EXT-X-VERSION:3\nx.m3u8\n`, 'playlist-tag-missing', 2);
    assertRejects(`#EXTM3U\n${variant}\n# comment\nx.m3u8\n`, 'playlist-tag-missing', 2);
    assertRejects(`#EXTM3U\n${variant}\nx.m3u8\ny.m3u8\n`, 'playlist-tag-misplaced', 4);
    assertRejects(`#EXTM3U\n${variant}\nx.m3u8\n#EXTINF:2,\n`, 'playlist-kind-mismatch', 4);
    assertRejects(`#EXTM3U\n#EXT-X-STREAM-INF:CODECS="a"\nx.m3u8\n`, 'playlist-tag-invalid', 2);
    assertRejects(
      `#EXTM3U\n#EXT-X-INDEPENDENT-SEGMENTS\n#EXT-X-INDEPENDENT-SEGMENTS\n`,
      'playlist-tag-duplicate',
      3,
      parseMultivariantPlaylist,
    );
    assertRejects('#EXTM3U\n#EXT-X-INDEPENDENT-SEGMENTS\n', 'playlist-tag-missing', 0, parseMultivariantPlaylist);
    assertRejects(`#EXTM3U\n#EXT-X-SESSION-KEY:METHOD=AES-128,URI="k"\n${variant}\nx\n`, 'playlist-tag-unsupported', 2);
  });

  it('and nothing but PlaylistFormatError for mutated server playlists; what parses writes back stably', () => {
    const sources = ['live-ll-hls.m3u8', 'live-after-republish.m3u8', 'vod.m3u8', 'multivariant.m3u8'].map(fixture);
    const seed = 20261204;
    const random = new SeededRandom(seed);
    const pieces = ['"', ',', '=', ':', '\n', '#EXT-X-PART:', '#EXTINF:', '@', '-', '.', '9', 'YES', ' ', '\r\n'];
    let rejected = 0;
    for (let i = 0; i < 3000; i++) {
      let text = random.pick(sources);
      for (let m = random.int(1, 4); m > 0; m--) {
        const at = random.int(0, text.length);
        const kind = random.int(0, 3);
        if (kind === 0) text = text.slice(0, at) + random.pick(pieces) + text.slice(at);
        else if (kind === 1) text = text.slice(0, at) + text.slice(Math.min(text.length, at + random.int(1, 20)));
        else if (kind === 2) text = text.slice(0, at);
        else text = text.slice(0, at) + String.fromCharCode(random.int(0, 255)) + text.slice(at + 1);
      }
      let parsed;
      try {
        parsed = parsePlaylist(text);
      } catch (e) {
        assert.ok(e instanceof PlaylistFormatError, `seed ${seed} case ${i}: ${String(e)}`);
        rejected++;
        continue;
      }
      const written =
        parsed.kind === 'media' ? marshalMediaPlaylist(parsed.playlist) : marshalMultivariantPlaylist(parsed.playlist);
      const again = parsePlaylist(written);
      assert.deepEqual(again.playlist, parsed.playlist, `seed ${seed} case ${i}: stable after one write`);
    }
    assert.ok(rejected > 500 && rejected < 3000, `${rejected} of 3000 mutations rejected`);
  });
});
