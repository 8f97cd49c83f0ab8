// Every tag both ways: the line it is written as, and the model it is read into (gohlslib's table style).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { marshalMediaMap, unmarshalMediaMap } from './media-map.js';
import { marshalMediaPart, unmarshalMediaPart } from './media-part.js';
import { marshalMediaPartInf, unmarshalMediaPartInf } from './media-part-inf.js';
import { marshalMediaPreloadHint, unmarshalMediaPreloadHint } from './media-preload-hint.js';
import { marshalMediaRenditionReport, unmarshalMediaRenditionReport } from './media-rendition-report.js';
import { marshalMediaServerControl, unmarshalMediaServerControl } from './media-server-control.js';
import { marshalMediaSkip, unmarshalMediaSkip } from './media-skip.js';
import { marshalMultivariantRendition, unmarshalMultivariantRendition } from './multivariant-rendition.js';
import { marshalMultivariantVariant, unmarshalMultivariantVariant } from './multivariant-variant.js';
import { marshalPlaylistStart, unmarshalPlaylistStart } from './playlist-start.js';
import { marshalPlaylistVersion, unmarshalPlaylistVersion } from './playlist-version.js';
import { PlaylistFormatError } from './playlist-error.js';

interface TagCase<T> {
  line: string;
  model: T;
}

/** Writes each model to exactly its line and reads each line (after the colon) back to the model. */
function bothWays<T>(cases: TagCase<T>[], marshal: (m: T) => string, unmarshal: (value: string, line: number) => T) {
  for (const { line, model } of cases) {
    assert.equal(marshal(model), `${line}\n`);
    assert.deepEqual(unmarshal(line.slice(line.indexOf(':') + 1), 7), model, line);
  }
}

function rejects(unmarshal: (value: string, line: number) => unknown, values: string[]) {
  for (const value of values) {
    assert.throws(
      () => unmarshal(value, 7),
      (e: unknown) => e instanceof PlaylistFormatError && e.code === 'playlist-tag-invalid' && e.line === 7,
      JSON.stringify(value),
    );
  }
}

describe('playlist tags, both ways', () => {
  it('EXT-X-VERSION', () => {
    bothWays([{ line: '#EXT-X-VERSION:9', model: 9 }], marshalPlaylistVersion, unmarshalPlaylistVersion);
    rejects(unmarshalPlaylistVersion, ['', '0', '9.0', '-1', ' 9']);
    assert.throws(() => unmarshalPlaylistVersion('13', 1), { code: 'playlist-version-unsupported' });
  });

  it('EXT-X-MAP', () => {
    bothWays(
      [
        { line: '#EXT-X-MAP:URI="init-0.mp4"', model: { uri: 'init-0.mp4' } },
        {
          line: '#EXT-X-MAP:URI="init.mp4?token=1.a-b",BYTERANGE="720@0"',
          model: { uri: 'init.mp4?token=1.a-b', byteRange: { length: 720, offset: 0 } },
        },
      ],
      marshalMediaMap,
      unmarshalMediaMap,
    );
    rejects(unmarshalMediaMap, ['', 'URI=init.mp4', 'URI=""', 'URI="a",BYTERANGE="720"', 'URI="a",BYTERANGE=720@0']);
  });

  it('EXT-X-PART', () => {
    bothWays(
      [
        {
          line: '#EXT-X-PART:DURATION=0.50000,URI="part-5.0.m4s",INDEPENDENT=YES',
          model: { duration: 0.5, uri: 'part-5.0.m4s', independent: true },
        },
        { line: '#EXT-X-PART:DURATION=0.33367,URI="part-5.1.m4s"', model: { duration: 0.33367, uri: 'part-5.1.m4s' } },
        {
          line: '#EXT-X-PART:DURATION=0.50000,URI="seg-5.m4s",BYTERANGE="1000@2000",GAP=YES',
          model: { duration: 0.5, uri: 'seg-5.m4s', byteRange: { length: 1000, offset: 2000 }, gap: true },
        },
      ],
      marshalMediaPart,
      unmarshalMediaPart,
    );
    // INDEPENDENT=NO is read as absent (the writer never writes it).
    assert.deepEqual(unmarshalMediaPart('DURATION=1,URI="p",INDEPENDENT=NO', 1), { duration: 1, uri: 'p' });
    rejects(unmarshalMediaPart, [
      'URI="p"',
      'DURATION=0.5',
      'DURATION=-0.5,URI="p"',
      'DURATION="0.5",URI="p"',
      'DURATION=0.5,URI="p",INDEPENDENT=yes',
      'DURATION=0.5,URI="p",URI="q"',
      'DURATION=0.5, URI="p"',
      'DURATION=0.5,URI="p",',
      'DURATION=0.5,URI="p',
    ]);
  });

  it('EXT-X-PART-INF', () => {
    bothWays(
      [{ line: '#EXT-X-PART-INF:PART-TARGET=0.500', model: { partTarget: 0.5 } }],
      marshalMediaPartInf,
      unmarshalMediaPartInf,
    );
    rejects(unmarshalMediaPartInf, ['', 'PART-TARGET=0', 'PART-TARGET=abc']);
  });

  it('EXT-X-SERVER-CONTROL', () => {
    bothWays(
      [
        {
          line: '#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=1.500,HOLD-BACK=6.000',
          model: { canBlockReload: true, partHoldBack: 1.5, holdBack: 6 },
        },
        {
          line: '#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,CAN-SKIP-UNTIL=12.000,CAN-SKIP-DATERANGES=YES,PART-HOLD-BACK=1.002,HOLD-BACK=6.000',
          model: { canBlockReload: true, canSkipUntil: 12, canSkipDateRanges: true, partHoldBack: 1.002, holdBack: 6 },
        },
        { line: '#EXT-X-SERVER-CONTROL:HOLD-BACK=9.000', model: { holdBack: 9 } },
      ],
      marshalMediaServerControl,
      unmarshalMediaServerControl,
    );
    rejects(unmarshalMediaServerControl, ['CAN-SKIP-DATERANGES=YES', 'HOLD-BACK=six', 'CAN-BLOCK-RELOAD=TRUE']);
  });

  it('EXT-X-PRELOAD-HINT', () => {
    bothWays(
      [
        { line: '#EXT-X-PRELOAD-HINT:TYPE=PART,URI="part-5.2.m4s"', model: { type: 'PART', uri: 'part-5.2.m4s' } },
        {
          line: '#EXT-X-PRELOAD-HINT:TYPE=MAP,URI="init-1.mp4",BYTERANGE-START=0,BYTERANGE-LENGTH=720',
          model: { type: 'MAP', uri: 'init-1.mp4', byteRangeStart: 0, byteRangeLength: 720 },
        },
      ],
      marshalMediaPreloadHint,
      unmarshalMediaPreloadHint,
    );
    rejects(unmarshalMediaPreloadHint, ['URI="p"', 'TYPE=PART', 'TYPE=SEGMENT,URI="p"', 'TYPE="PART",URI="p"']);
  });

  it('EXT-X-RENDITION-REPORT', () => {
    bothWays(
      [
        {
          line: '#EXT-X-RENDITION-REPORT:URI="../720p/media.m3u8",LAST-MSN=273,LAST-PART=2',
          model: { uri: '../720p/media.m3u8', lastMsn: 273, lastPart: 2 },
        },
        { line: '#EXT-X-RENDITION-REPORT:URI="audio.m3u8",LAST-MSN=0', model: { uri: 'audio.m3u8', lastMsn: 0 } },
      ],
      marshalMediaRenditionReport,
      unmarshalMediaRenditionReport,
    );
    rejects(unmarshalMediaRenditionReport, ['URI="a"', 'LAST-MSN=1', 'URI="a",LAST-MSN=1.5']);
  });

  it('EXT-X-SKIP', () => {
    bothWays(
      [
        { line: '#EXT-X-SKIP:SKIPPED-SEGMENTS=30', model: { skippedSegments: 30 } },
        {
          line: '#EXT-X-SKIP:SKIPPED-SEGMENTS=3,RECENTLY-REMOVED-DATERANGES="ad-1\tad-2"',
          model: { skippedSegments: 3, recentlyRemovedDateRanges: ['ad-1', 'ad-2'] },
        },
      ],
      marshalMediaSkip,
      unmarshalMediaSkip,
    );
    rejects(unmarshalMediaSkip, ['', 'SKIPPED-SEGMENTS=-1', 'SKIPPED-SEGMENTS=1234567890123456']);
  });

  it('EXT-X-START', () => {
    bothWays(
      [
        { line: '#EXT-X-START:TIME-OFFSET=-3.000', model: { timeOffset: -3 } },
        { line: '#EXT-X-START:TIME-OFFSET=10.500,PRECISE=YES', model: { timeOffset: 10.5, precise: true } },
      ],
      marshalPlaylistStart,
      unmarshalPlaylistStart,
    );
    rejects(unmarshalPlaylistStart, ['', 'TIME-OFFSET=--3', 'PRECISE=YES']);
  });

  it('EXT-X-STREAM-INF (with its URI line)', () => {
    const cases = [
      {
        line: '#EXT-X-STREAM-INF:BANDWIDTH=1030932,AVERAGE-BANDWIDTH=1030932,CODECS="avc1.64001e,mp4a.40.2",RESOLUTION=640x360,FRAME-RATE=30.000',
        uri: '815e89a529/media.m3u8',
        model: {
          uri: '815e89a529/media.m3u8',
          bandwidth: 1030932,
          averageBandwidth: 1030932,
          codecs: ['avc1.64001e', 'mp4a.40.2'],
          resolution: { width: 640, height: 360 },
          frameRate: 30,
        },
      },
      {
        line: '#EXT-X-STREAM-INF:BANDWIDTH=64000,CODECS="mp4a.40.2",AUDIO="aac",SUBTITLES="subs",CLOSED-CAPTIONS=NONE',
        uri: 'audio/media.m3u8',
        model: {
          uri: 'audio/media.m3u8',
          bandwidth: 64000,
          codecs: ['mp4a.40.2'],
          audio: 'aac',
          subtitles: 'subs',
          closedCaptions: null,
        },
      },
      {
        line: '#EXT-X-STREAM-INF:BANDWIDTH=800000,VIDEO="low",CLOSED-CAPTIONS="cc"',
        uri: 'low.m3u8',
        model: { uri: 'low.m3u8', bandwidth: 800000, video: 'low', closedCaptions: 'cc' },
      },
    ];
    for (const { line, uri, model } of cases) {
      assert.equal(marshalMultivariantVariant(model), `${line}\n${uri}\n`);
      assert.deepEqual(unmarshalMultivariantVariant(line.slice(line.indexOf(':') + 1), uri, 1), model);
    }
    for (const value of [
      'CODECS="a"',
      'BANDWIDTH=1,CODECS="a,,b"',
      'BANDWIDTH=1,RESOLUTION=640*360',
      'BANDWIDTH=1,CLOSED-CAPTIONS=ALL',
    ])
      assert.throws(() => unmarshalMultivariantVariant(value, 'u', 1), { code: 'playlist-tag-invalid' }, value);
  });

  it('EXT-X-MEDIA', () => {
    bothWays(
      [
        {
          line: '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aac",NAME="English",LANGUAGE="en",DEFAULT=YES,AUTOSELECT=YES,CHANNELS="2",URI="audio/media.m3u8"',
          model: {
            type: 'AUDIO',
            groupId: 'aac',
            name: 'English',
            uri: 'audio/media.m3u8',
            language: 'en',
            default: true,
            autoselect: true,
            channels: '2',
          },
        },
        {
          line: '#EXT-X-MEDIA:TYPE=CLOSED-CAPTIONS,GROUP-ID="cc",NAME="CC1",INSTREAM-ID="CC1"',
          model: { type: 'CLOSED-CAPTIONS', groupId: 'cc', name: 'CC1', instreamId: 'CC1' },
        },
      ],
      marshalMultivariantRendition,
      unmarshalMultivariantRendition,
    );
    rejects(unmarshalMultivariantRendition, [
      'TYPE=AUDIO,NAME="a"',
      'TYPE=AUDIO,GROUP-ID="g"',
      'TYPE=DATA,GROUP-ID="g",NAME="a"',
      'TYPE=CLOSED-CAPTIONS,GROUP-ID="g",NAME="a",INSTREAM-ID="CC1",URI="x"',
      'TYPE=CLOSED-CAPTIONS,GROUP-ID="g",NAME="a"',
      'TYPE=SUBTITLES,GROUP-ID="g",NAME="a"',
      'TYPE=VIDEO,GROUP-ID="g",NAME="a",CHANNELS="2"',
    ]);
  });
});
