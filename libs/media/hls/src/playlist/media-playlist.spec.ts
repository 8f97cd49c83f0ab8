// The media playlist model both ways: the playlists the real server wrote (fixtures/playlists, captured by
// e2e/scripts/capture-playlists.mjs) round-trip byte for byte and read the same through hls-parser; a playlist using
// every tag the model knows is pinned as text and read back; valid variations of the syntax are accepted.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import HLS from 'hls-parser';
import {
  lastListed,
  type MediaPlaylist,
  marshalMediaPlaylist,
  parseMediaPlaylist,
  segmentMsn,
} from './media-playlist.js';
import { parsePlaylist } from './playlist.js';

HLS.setOptions({ strictMode: true });

const fixture = (name: string): string =>
  readFileSync(new URL(`../../fixtures/playlists/${name}`, import.meta.url), 'utf8');

const MEDIA_FIXTURES = [
  'live-ll-hls.m3u8',
  'live-blocking-reload.m3u8',
  'live-publisher-away.m3u8',
  'live-after-republish.m3u8',
  'live-ended.m3u8',
  'vod.m3u8',
];

/** What hls-parser makes of a playlist, reduced to what both models carry. */
function viaHlsParser(text: string) {
  const parsed = HLS.parse(text) as HLS.types.MediaPlaylist;
  const hint = parsed.segments.at(-1)?.parts.find((p) => p.hint);
  return {
    version: parsed.version,
    targetDuration: parsed.targetDuration,
    mediaSequence: parsed.mediaSequenceBase ?? 0,
    discontinuitySequence: parsed.discontinuitySequenceBase,
    partTarget: parsed.partTargetDuration,
    endList: parsed.endlist,
    playlistType: parsed.playlistType,
    segments: parsed.segments
      .filter((s) => s.uri)
      .map((s) => ({
        uri: s.uri,
        duration: s.duration,
        discontinuity: s.discontinuity ?? false,
        programDateTime: s.programDateTime?.getTime(),
        parts: s.parts.map((p) => [p.uri, p.duration, p.independent ?? false]),
      })),
    openParts: parsed.segments
      .filter((s) => !s.uri)
      .flatMap((s) => s.parts.filter((p) => !p.hint).map((p) => [p.uri, p.duration, p.independent ?? false])),
    hint: hint?.uri,
  };
}

/** The same facts from our model. */
function viaModel(playlist: MediaPlaylist) {
  return {
    version: playlist.version,
    targetDuration: playlist.targetDuration,
    mediaSequence: playlist.mediaSequence,
    discontinuitySequence: playlist.discontinuitySequence ?? 0,
    partTarget: playlist.partInf?.partTarget,
    endList: playlist.endList ?? false,
    playlistType: playlist.playlistType,
    segments: playlist.segments.map((s) => ({
      uri: s.uri,
      duration: s.duration,
      discontinuity: s.discontinuity ?? false,
      programDateTime: s.programDateTime,
      parts: (s.parts ?? []).map((p) => [p.uri, p.duration, p.independent ?? false]),
    })),
    openParts: (playlist.partialSegment?.parts ?? []).map((p) => [p.uri, p.duration, p.independent ?? false]),
    hint: playlist.preloadHints?.find((h) => h.type === 'PART')?.uri,
  };
}

/** Every tag of the model, in canonical order: a delta update of an LL-HLS playlist with a gap. */
const EVERYTHING = `#EXTM3U
#EXT-X-VERSION:9
#EXT-X-TARGETDURATION:2
#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,CAN-SKIP-UNTIL=12.000,PART-HOLD-BACK=1.500,HOLD-BACK=6.000
#EXT-X-PART-INF:PART-TARGET=0.500
#EXT-X-MEDIA-SEQUENCE:100
#EXT-X-DISCONTINUITY-SEQUENCE:3
#EXT-X-INDEPENDENT-SEGMENTS
#EXT-X-START:TIME-OFFSET=-6.000
#EXT-X-SKIP:SKIPPED-SEGMENTS=7
#EXT-X-MAP:URI="init-2.mp4"
#EXT-X-PROGRAM-DATE-TIME:2026-12-04T05:02:23.514Z
#EXT-X-BITRATE:2400
#EXTINF:2.00000,
seg-107.m4s
#EXT-X-PROGRAM-DATE-TIME:2026-12-04T05:02:25.514Z
#EXT-X-GAP
#EXTINF:2.00000,
seg-108.m4s
#EXT-X-DISCONTINUITY
#EXT-X-MAP:URI="init-3.mp4",BYTERANGE="720@0"
#EXT-X-PROGRAM-DATE-TIME:2026-12-04T05:02:30.000Z
#EXT-X-PART:DURATION=0.50000,URI="part-109.0.m4s",INDEPENDENT=YES
#EXT-X-PART:DURATION=0.50000,URI="part-109.1.m4s",GAP=YES
#EXT-X-PART:DURATION=0.50000,URI="all.m4s",BYTERANGE="1000@5000"
#EXT-X-PART:DURATION=0.49950,URI="part-109.3.m4s"
#EXTINF:1.99950,chapter 2
#EXT-X-BYTERANGE:40000@5000
all.m4s
#EXT-X-PROGRAM-DATE-TIME:2026-12-04T05:02:32.002Z
#EXT-X-PART:DURATION=0.50000,URI="part-110.0.m4s",INDEPENDENT=YES
#EXT-X-PRELOAD-HINT:TYPE=PART,URI="part-110.1.m4s"
#EXT-X-PRELOAD-HINT:TYPE=MAP,URI="init-4.mp4"
#EXT-X-RENDITION-REPORT:URI="../audio/media.m3u8",LAST-MSN=109,LAST-PART=3
#EXT-X-RENDITION-REPORT:URI="../480p/media.m3u8",LAST-MSN=110
`;

const EVERYTHING_MODEL: MediaPlaylist = {
  version: 9,
  targetDuration: 2,
  serverControl: { canBlockReload: true, canSkipUntil: 12, partHoldBack: 1.5, holdBack: 6 },
  partInf: { partTarget: 0.5 },
  mediaSequence: 100,
  discontinuitySequence: 3,
  independentSegments: true,
  start: { timeOffset: -6 },
  skip: { skippedSegments: 7 },
  segments: [
    {
      map: { uri: 'init-2.mp4' },
      programDateTime: Date.UTC(2026, 11, 4, 5, 2, 23, 514),
      bitrate: 2400,
      duration: 2,
      uri: 'seg-107.m4s',
    },
    { programDateTime: Date.UTC(2026, 11, 4, 5, 2, 25, 514), gap: true, duration: 2, uri: 'seg-108.m4s' },
    {
      discontinuity: true,
      map: { uri: 'init-3.mp4', byteRange: { length: 720, offset: 0 } },
      programDateTime: Date.UTC(2026, 11, 4, 5, 2, 30),
      parts: [
        { duration: 0.5, uri: 'part-109.0.m4s', independent: true },
        { duration: 0.5, uri: 'part-109.1.m4s', gap: true },
        { duration: 0.5, uri: 'all.m4s', byteRange: { length: 1000, offset: 5000 } },
        { duration: 0.4995, uri: 'part-109.3.m4s' },
      ],
      duration: 1.9995,
      title: 'chapter 2',
      byteRange: { length: 40000, offset: 5000 },
      uri: 'all.m4s',
    },
  ],
  partialSegment: {
    programDateTime: Date.UTC(2026, 11, 4, 5, 2, 32, 2),
    parts: [{ duration: 0.5, uri: 'part-110.0.m4s', independent: true }],
  },
  preloadHints: [
    { type: 'PART', uri: 'part-110.1.m4s' },
    { type: 'MAP', uri: 'init-4.mp4' },
  ],
  renditionReports: [
    { uri: '../audio/media.m3u8', lastMsn: 109, lastPart: 3 },
    { uri: '../480p/media.m3u8', lastMsn: 110 },
  ],
};

describe('media playlist model', () => {
  it('round-trips every playlist the server wrote, byte for byte', () => {
    for (const name of MEDIA_FIXTURES) {
      const text = fixture(name);
      const playlist = parseMediaPlaylist(text);
      assert.equal(marshalMediaPlaylist(playlist), text, name);
      assert.deepEqual(parseMediaPlaylist(marshalMediaPlaylist(playlist)), playlist, name);
      assert.deepEqual(parseMediaPlaylist(Buffer.from(text)), playlist, `${name} from a Buffer`);
    }
  });

  it('reads the server playlists as hls-parser does', () => {
    for (const name of MEDIA_FIXTURES) {
      const text = fixture(name);
      assert.deepEqual(viaModel(parseMediaPlaylist(text)), viaHlsParser(text), name);
    }
  });

  it('reads what an edge needs from a blocking-reload response: parts, the hint, the next msn', () => {
    const playlist = parseMediaPlaylist(fixture('live-ll-hls.m3u8'));
    assert.deepEqual(playlist.serverControl, { canBlockReload: true, partHoldBack: 1.5, holdBack: 6 });
    assert.equal(playlist.segments.length, 5);
    assert.deepEqual(
      playlist.segments.map((s) => s.parts?.length ?? 0),
      [0, 0, 0, 4, 4],
    );
    assert.deepEqual(playlist.partialSegment?.parts?.length, 2);
    assert.equal(playlist.partialSegment?.programDateTime, Date.parse('2026-12-04T05:02:33.514Z'));
    assert.deepEqual(playlist.preloadHints, [{ type: 'PART', uri: 'part-5.2.m4s' }]);
    assert.equal(playlist.segments[0]!.map?.uri, 'init-0.mp4');

    const republished = parseMediaPlaylist(fixture('live-after-republish.m3u8'));
    const changed = republished.segments.find((s) => s.discontinuity)!;
    assert.equal(changed.uri, 'seg-7.m4s');
    assert.equal(changed.map?.uri, 'init-1.mp4');
  });

  it('writes every tag it models in one canonical order and reads it back', () => {
    assert.equal(marshalMediaPlaylist(EVERYTHING_MODEL), EVERYTHING);
    assert.deepEqual(parseMediaPlaylist(EVERYTHING), EVERYTHING_MODEL);
    // hls-parser (strict) reads the delta update, gaps, byte ranges and rendition reports the same way.
    const parsed = HLS.parse(EVERYTHING) as HLS.types.MediaPlaylist;
    assert.equal(parsed.skip, 7);
    assert.equal(parsed.lowLatencyCompatibility?.canSkipUntil, 12);
    assert.deepEqual(
      parsed.segments.filter((s) => s.uri).map((s) => [s.uri, s.gap ?? false, s.byterange?.length]),
      [
        ['seg-107.m4s', false, undefined],
        ['seg-108.m4s', true, undefined],
        ['all.m4s', false, 40000],
      ],
    );
    // (hls-parser fills in a missing LAST-PART from this playlist, so only the written attributes compare.)
    assert.deepEqual(
      parsed.renditionReports.map((r) => [r.uri, r.lastMSN]),
      [
        ['../audio/media.m3u8', 109],
        ['../480p/media.m3u8', 110],
      ],
    );
    assert.equal(parsed.renditionReports[0]!.lastPart, 3);
  });

  it('accepts the valid variations other writers use, and writes them canonically', () => {
    const text = [
      '#EXTM3U',
      '# a comment',
      '',
      '#EXT-X-TARGETDURATION:6',
      '#EXT-X-DATERANGE:ID="ad",START-DATE="2026-12-04T05:00:00Z"',
      '#EXT-X-PROGRAM-DATE-TIME:2026-12-04T06:02:23.5145+01:00',
      '#EXTINF:5.5',
      'a.ts',
      '#EXT-X-PROGRAM-DATE-TIME:2026-12-04T05:02:29.014',
      '#EXTINF:6,title, with a comma',
      'b.ts',
      '#EXT-X-VENDOR-THING:whatever',
      '#EXT-X-ENDLIST',
      '',
    ].join('\r\n');
    const playlist = parseMediaPlaylist(text);
    assert.deepEqual(playlist, {
      targetDuration: 6,
      mediaSequence: 0,
      segments: [
        { programDateTime: Date.parse('2026-12-04T05:02:23.514Z'), duration: 5.5, uri: 'a.ts' },
        {
          programDateTime: Date.parse('2026-12-04T05:02:29.014Z'),
          duration: 6,
          title: 'title, with a comma',
          uri: 'b.ts',
        },
      ],
      endList: true,
    });
    assert.equal(
      marshalMediaPlaylist(playlist),
      '#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXT-X-MEDIA-SEQUENCE:0\n' +
        '#EXT-X-PROGRAM-DATE-TIME:2026-12-04T05:02:23.514Z\n#EXTINF:5.50000,\na.ts\n' +
        '#EXT-X-PROGRAM-DATE-TIME:2026-12-04T05:02:29.014Z\n#EXTINF:6.00000,title, with a comma\nb.ts\n' +
        '#EXT-X-ENDLIST\n',
    );
  });

  it('reuses text from a cache for objects that do not change', () => {
    const cache = new WeakMap<object, string>();
    const first = marshalMediaPlaylist(EVERYTHING_MODEL, { cache });
    assert.equal(first, EVERYTHING);
    assert.equal(
      cache.get(EVERYTHING_MODEL.segments[2]!),
      EVERYTHING.slice(
        EVERYTHING.indexOf('#EXT-X-DISCONTINUITY\n'),
        EVERYTHING.indexOf('#EXT-X-PROGRAM-DATE-TIME:2026-12-04T05:02:32'),
      ),
    );
    assert.equal(marshalMediaPlaylist(EVERYTHING_MODEL, { cache }), first);
  });

  it('lets an edge re-serve what the origin wrote under its own URIs', () => {
    const origin = parseMediaPlaylist(fixture('live-after-republish.m3u8'));
    const viaEdge = (uri: string) => `/edge/abc/${uri}`;
    const edge: MediaPlaylist = {
      ...origin,
      segments: origin.segments.map((s) => ({
        ...s,
        uri: viaEdge(s.uri),
        map: s.map && { uri: viaEdge(s.map.uri) },
        parts: s.parts?.map((p) => ({ ...p, uri: viaEdge(p.uri) })),
      })),
      partialSegment: origin.partialSegment && {
        ...origin.partialSegment,
        parts: origin.partialSegment.parts?.map((p) => ({ ...p, uri: viaEdge(p.uri) })),
      },
      preloadHints: origin.preloadHints?.map((h) => ({ ...h, uri: viaEdge(h.uri) })),
    };
    const text = marshalMediaPlaylist(edge);
    assert.equal(
      text,
      fixture('live-after-republish.m3u8').replace(/^(?!#)(.+)$|URI="/gm, (m, uri) =>
        uri ? viaEdge(uri) : `URI="/edge/abc/`,
      ),
    );
    const parsed = HLS.parse(text) as HLS.types.MediaPlaylist;
    assert.equal(parsed.segments.at(-1)!.parts.at(-1)!.uri, '/edge/abc/part-9.1.m4s');
  });

  it('numbers segments and finds the newest part, delta updates included', () => {
    const read = (name: string) => lastListed(parseMediaPlaylist(fixture(name)));
    assert.deepEqual(read('live-ll-hls.m3u8'), { msn: 5, part: 1 });
    assert.deepEqual(read('live-blocking-reload.m3u8'), { msn: 5, part: 3 });
    assert.deepEqual(read('live-publisher-away.m3u8'), { msn: 6 });
    assert.deepEqual(read('live-ended.m3u8'), { msn: 12, part: 3 });
    assert.deepEqual(lastListed(EVERYTHING_MODEL), { msn: 110, part: 0 });
    assert.equal(segmentMsn(EVERYTHING_MODEL, 0), 107);
    assert.equal(lastListed({ targetDuration: 2, mediaSequence: 4, segments: [] }), undefined);
  });

  it('tells the two kinds apart', () => {
    assert.equal(parsePlaylist(fixture('vod.m3u8')).kind, 'media');
    assert.equal(parsePlaylist(fixture('multivariant.m3u8')).kind, 'multivariant');
  });
});
