import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import HLS from 'hls-parser';
import { parseMediaPlaylist } from '@rapidrtmp/hls';
import { segmentRow } from './testing/segment-row.js';
import { renderVodPlaylist, vodPlaylist } from './vod-playlist.js';

const segment = segmentRow;

describe('renderVodPlaylist', () => {
  it('lists stored segments as a VOD playlist with ENDLIST', () => {
    const playlist = HLS.parse(
      renderVodPlaylist([segment(0), segment(1), segment(2, { duration: 2.4 })]),
    ) as HLS.types.MediaPlaylist;
    assert.equal(playlist.playlistType, 'VOD');
    assert.equal(playlist.endlist, true);
    assert.equal(playlist.targetDuration, 2);
    assert.deepEqual(
      playlist.segments.map((s) => s.uri),
      ['seg-0.m4s', 'seg-1.m4s', 'seg-2.m4s'],
    );
  });

  it('keeps the live discontinuities, maps each init change, and turns a lost segment into a discontinuity', () => {
    const text = renderVodPlaylist([
      segment(0),
      segment(1, { state: 'failed' }),
      segment(2),
      segment(3, { discontinuity: true, initName: 'init-1.mp4' }),
    ]);
    const playlist = HLS.parse(text) as HLS.types.MediaPlaylist;
    assert.deepEqual(
      playlist.segments.map((s) => [s.uri, s.discontinuity ?? false, s.map?.uri]),
      [
        ['seg-0.m4s', false, 'init-0.mp4'],
        ['seg-2.m4s', true, 'init-0.mp4'],
        ['seg-3.m4s', true, 'init-1.mp4'],
      ],
    );
  });

  it('is written from the playlist model and reads back as the same model', () => {
    const segments = [
      segment(0),
      segment(1, { discontinuity: true, initName: 'init-1.mp4' }),
      segment(3, { initName: 'init-1.mp4' }),
    ];
    const text = renderVodPlaylist(segments, '?token=1.abc');
    assert.deepEqual(parseMediaPlaylist(text), vodPlaylist(segments, '?token=1.abc'));
    assert.equal(
      text,
      [
        '#EXTM3U',
        '#EXT-X-VERSION:7',
        '#EXT-X-TARGETDURATION:2',
        '#EXT-X-PLAYLIST-TYPE:VOD',
        '#EXT-X-MEDIA-SEQUENCE:0',
        '#EXT-X-INDEPENDENT-SEGMENTS',
        '#EXT-X-MAP:URI="init-0.mp4?token=1.abc"',
        '#EXT-X-PROGRAM-DATE-TIME:2023-11-14T22:13:20.000Z',
        '#EXTINF:2.00000,',
        'seg-0.m4s?token=1.abc',
        '#EXT-X-DISCONTINUITY',
        '#EXT-X-MAP:URI="init-1.mp4?token=1.abc"',
        '#EXT-X-PROGRAM-DATE-TIME:2023-11-14T22:13:22.000Z',
        '#EXTINF:2.00000,',
        'seg-1.m4s?token=1.abc',
        '#EXT-X-DISCONTINUITY',
        '#EXT-X-PROGRAM-DATE-TIME:2023-11-14T22:13:26.000Z',
        '#EXTINF:2.00000,',
        'seg-3.m4s?token=1.abc',
        '#EXT-X-ENDLIST',
        '',
      ].join('\n'),
    );
  });

  it('rounds the EXTINF as printed for the target duration (RFC 8216bis 4.4.3.1)', () => {
    // 2.4999996 is written 2.50000, which a player rounds to 3.
    const text = renderVodPlaylist([segment(0, { duration: 2.4999996 })]);
    assert.match(text, /#EXT-X-TARGETDURATION:3\n/);
    assert.match(text, /#EXTINF:2\.50000,/);
  });

  it('carries a playback token on every URI', () => {
    assert.match(
      renderVodPlaylist([segment(0)], '?token=1.abc'),
      /URI="init-0\.mp4\?token=1\.abc"[\s\S]*seg-0\.m4s\?token=1\.abc/,
    );
  });
});
