import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import HLS from 'hls-parser';
import {
  marshalMultivariantPlaylist,
  type MultivariantPlaylist,
  parseMultivariantPlaylist,
} from './multivariant-playlist.js';

HLS.setOptions({ strictMode: true });

const SERVER = readFileSync(new URL('../../fixtures/playlists/multivariant.m3u8', import.meta.url), 'utf8');

const WITH_RENDITIONS = `#EXTM3U
#EXT-X-VERSION:6
#EXT-X-INDEPENDENT-SEGMENTS
#EXT-X-START:TIME-OFFSET=-4.000
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aac",NAME="English",LANGUAGE="en",DEFAULT=YES,AUTOSELECT=YES,CHANNELS="2",URI="audio/media.m3u8"
#EXT-X-STREAM-INF:BANDWIDTH=2600000,AVERAGE-BANDWIDTH=2400000,CODECS="avc1.64001f,mp4a.40.2",RESOLUTION=1280x720,FRAME-RATE=29.970,AUDIO="aac"
720p/media.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=900000,CODECS="avc1.4d401e,mp4a.40.2",RESOLUTION=640x360,FRAME-RATE=29.970,AUDIO="aac"
360p/media.m3u8
`;

const WITH_RENDITIONS_MODEL: MultivariantPlaylist = {
  version: 6,
  independentSegments: true,
  start: { timeOffset: -4 },
  renditions: [
    {
      type: 'AUDIO',
      groupId: 'aac',
      name: 'English',
      uri: 'audio/media.m3u8',
      language: 'en',
      default: true,
      autoselect: true,
      channels: '2',
    },
  ],
  variants: [
    {
      uri: '720p/media.m3u8',
      bandwidth: 2_600_000,
      averageBandwidth: 2_400_000,
      codecs: ['avc1.64001f', 'mp4a.40.2'],
      resolution: { width: 1280, height: 720 },
      frameRate: 29.97,
      audio: 'aac',
    },
    {
      uri: '360p/media.m3u8',
      bandwidth: 900_000,
      codecs: ['avc1.4d401e', 'mp4a.40.2'],
      resolution: { width: 640, height: 360 },
      frameRate: 29.97,
      audio: 'aac',
    },
  ],
};

describe('multivariant playlist model', () => {
  it('round-trips the playlist the server wrote, byte for byte', () => {
    const playlist = parseMultivariantPlaylist(SERVER);
    assert.equal(marshalMultivariantPlaylist(playlist), SERVER);
    assert.equal(playlist.independentSegments, true);
    const [variant] = playlist.variants;
    assert.ok(variant);
    const parsed = (HLS.parse(SERVER) as HLS.types.MasterPlaylist).variants[0];
    assert.deepEqual(
      [variant.uri, variant.bandwidth, variant.averageBandwidth, variant.codecs?.join(','), variant.resolution],
      [parsed!.uri, parsed!.bandwidth, parsed!.averageBandwidth, parsed!.codecs, parsed!.resolution],
    );
    assert.equal(variant.frameRate, parsed!.frameRate);
  });

  it('writes renditions and variants in canonical order and reads them back', () => {
    assert.equal(marshalMultivariantPlaylist(WITH_RENDITIONS_MODEL), WITH_RENDITIONS);
    assert.deepEqual(parseMultivariantPlaylist(WITH_RENDITIONS), WITH_RENDITIONS_MODEL);
    const parsed = HLS.parse(WITH_RENDITIONS) as HLS.types.MasterPlaylist;
    assert.deepEqual(
      parsed.variants.map((v) => [v.uri, v.bandwidth, v.audio.map((a) => [a.groupId, a.name, a.uri])]),
      [
        ['720p/media.m3u8', 2_600_000, [['aac', 'English', 'audio/media.m3u8']]],
        ['360p/media.m3u8', 900_000, [['aac', 'English', 'audio/media.m3u8']]],
      ],
    );
  });

  it('takes the URI after blank lines, ignores unknown tags, and writes them away', () => {
    const text =
      '#EXTM3U\r\n#EXT-X-SESSION-DATA:DATA-ID="com.example",VALUE="x"\r\n#EXT-X-STREAM-INF:BANDWIDTH=1000\r\n\r\nlow.m3u8\r\n';
    const playlist = parseMultivariantPlaylist(text);
    assert.deepEqual(playlist, { variants: [{ uri: 'low.m3u8', bandwidth: 1000 }] });
    assert.equal(marshalMultivariantPlaylist(playlist), '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1000\nlow.m3u8\n');
  });
});
