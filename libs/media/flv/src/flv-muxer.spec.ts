import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { decodeAmf0 } from '@rapidrtmp/amf';
import type { AudioConfig, MediaPacket, VideoConfig } from '@rapidrtmp/media-core';
import { FlvDemuxer, type FlvDemuxEvent } from './flv-demuxer.js';
import { FLV_TAG_TYPE, readFlvFile } from './flv-file-reader.js';
import {
  audioConfigBody,
  flvFileHeader,
  flvTag,
  metadataBody,
  packetTagBody,
  packetTagHeader,
  videoConfigBody,
} from './flv-muxer.js';
import { readMetadataTag } from './script-tag.js';
import { parseVideoTag } from './video-tag.js';

const fixture = (name: string): Buffer => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));

interface Demuxed {
  video?: VideoConfig;
  audio?: AudioConfig;
  packets: MediaPacket[];
}

/** Every config and packet of an FLV file, as ingest sees them. */
function demux(file: Buffer): Demuxed {
  const demuxer = new FlvDemuxer();
  const out: Demuxed = { packets: [] };
  const take = (event: FlvDemuxEvent | undefined): void => {
    if (event?.type === 'packet') out.packets.push(event.packet);
    else if (event?.type === 'config' && event.track === 'video') out.video = event.config;
    else if (event?.type === 'config' && event.track === 'audio') out.audio = event.config;
  };
  for (const tag of readFlvFile(file).tags) {
    if (tag.type === FLV_TAG_TYPE.video) take(demuxer.pushVideo(tag.timestamp, tag.body));
    else if (tag.type === FLV_TAG_TYPE.audio) take(demuxer.pushAudio(tag.timestamp, tag.body));
  }
  return out;
}

/** Configs, metadata and packets back into one FLV byte stream, the way HTTP-FLV sends them. */
function mux(demuxed: Demuxed, metadata: Record<string, unknown> = {}): Buffer {
  const { video, audio } = demuxed;
  const parts: Buffer[] = [flvFileHeader({ audio: !!audio, video: !!video })];
  parts.push(...flvTag(FLV_TAG_TYPE.script, 0, [metadataBody(metadata, { video, audio })]));
  if (video) parts.push(...flvTag(FLV_TAG_TYPE.video, 0, [videoConfigBody(video)]));
  if (audio) parts.push(...flvTag(FLV_TAG_TYPE.audio, 0, [audioConfigBody(audio)]));
  for (const packet of demuxed.packets) {
    const type = packet.track === 'video' ? FLV_TAG_TYPE.video : FLV_TAG_TYPE.audio;
    parts.push(...flvTag(type, packet.dts, packetTagBody(packet)));
  }
  return Buffer.concat(parts);
}

describe('FLV muxer', () => {
  it('round-trips an ffmpeg H.264 High (B-frames) + AAC file through the demuxer, packet for packet', () => {
    const original = demux(fixture('h264-high-bframes-aac.flv'));
    const again = demux(mux(original));
    assert.deepEqual(again.video?.record, original.video?.record);
    assert.deepEqual(again.audio, original.audio);
    assert.equal(again.packets.length, original.packets.length);
    original.packets.forEach((packet, i) => {
      const copy = again.packets[i]!;
      assert.deepEqual(
        [copy.track, copy.dts, copy.pts, copy.keyframe, copy.payload.equals(packet.payload)],
        [packet.track, packet.dts, packet.pts, packet.keyframe, true],
        `packet ${i}`,
      );
    });
    assert.ok(
      original.packets.some((p) => p.pts < p.dts || p.pts > p.dts),
      'the clip has composition offsets',
    );
  });

  it('keeps the payload a view: the tag body is [header, the packet payload itself]', () => {
    const { packets } = demux(fixture('h264-baseline-aac48k.flv'));
    const packet = packets.find((p) => p.track === 'video')!;
    const [, payload] = packetTagBody(packet);
    assert.equal(payload, packet.payload);
  });

  it('writes HEVC, AV1 and Opus with E-RTMP FourCC headers the demuxer reads back', () => {
    const base = { dts: 40, pts: 120, keyframe: true, payload: Buffer.from([0, 0, 0, 1, 0x26]) };
    const hevc = parseVideoTag(Buffer.concat(packetTagBody({ ...base, track: 'video', codec: 'hevc' })));
    assert.deepEqual([hevc.enhanced, hevc.codec, hevc.compositionTime, hevc.frameType], [true, 'hevc', 80, 1]);
    const av1 = parseVideoTag(Buffer.concat(packetTagBody({ ...base, pts: 40, track: 'video', codec: 'av1' })));
    assert.deepEqual([av1.codec, av1.packetType, av1.compositionTime], ['av1', 'coded-frames', 0]);
    const opus = packetTagHeader({ ...base, track: 'audio', codec: 'opus' });
    assert.equal(opus.subarray(1).toString('latin1'), 'Opus');
    const head = audioConfigBody({
      codec: 'opus',
      channels: 2,
      preSkip: 312,
      inputSampleRate: 48000,
      outputGain: -256,
      channelMappingFamily: 0,
      sampleRate: 48000,
      codecString: 'opus',
    });
    const demuxer = new FlvDemuxer();
    const event = demuxer.pushAudio(0, head);
    assert.equal(event?.type, 'config');
    assert.deepEqual(event?.type === 'config' && event.config.codec === 'opus' && event.config.preSkip, 312);
  });

  it('writes 32-bit wrapping timestamps with the extension byte, and negative composition offsets', () => {
    const tag = flvTag(FLV_TAG_TYPE.video, 2 ** 32 + 0x01020304, [Buffer.alloc(5)]);
    assert.deepEqual([...tag[0]!.subarray(4, 8)], [0x02, 0x03, 0x04, 0x01]);
    assert.equal(tag[2]!.readUInt32BE(0), 16);
    const header = packetTagHeader({
      track: 'video',
      codec: 'avc',
      dts: 100,
      pts: 60,
      keyframe: false,
      payload: Buffer.alloc(0),
    });
    assert.deepEqual([header[0], header[1], header.readIntBE(2, 3)], [0x27, 1, -40]);
  });

  it('reads back the onMetaData it writes, and nothing from other script tags', () => {
    const { video, audio } = demux(fixture('h264-baseline-aac48k.flv'));
    const metadata = readMetadataTag(metadataBody({ encoder: 'obs' }, { video, audio }));
    assert.deepEqual([metadata?.encoder, metadata?.width], ['obs', video!.width]);
    assert.equal(readMetadataTag(Buffer.from([2, 0, 3, 0x6f, 0x6e, 0x58])), undefined, 'a script tag named onX');
    assert.equal(readMetadataTag(Buffer.from([0x42])), undefined, 'undecodable');
  });

  it('describes the tracks in onMetaData and drops duration, filesize and nested values', () => {
    const { video, audio } = demux(fixture('h264-baseline-aac48k.flv'));
    const [name, values] = decodeAmf0(
      metadataBody({ duration: 12, filesize: 9, encoder: 'obs', nested: { a: 1 } }, { video, audio }),
    ) as [string, Record<string, unknown>];
    assert.equal(name, 'onMetaData');
    assert.deepEqual(
      [values.width, values.height, values.videocodecid, values.audiocodecid, values.encoder],
      [video!.width, video!.height, 7, 10, 'obs'],
    );
    assert.deepEqual([values.duration, values.filesize, values.nested], [undefined, undefined, undefined]);
  });

  it('produces an FLV stream ffmpeg decodes with zero errors', (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'flv-muxer-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'out.flv');
    writeFileSync(path, mux(demux(fixture('h264-high-bframes-aac.flv')), { encoder: 'test' }));
    const decode = spawnSync('ffmpeg', ['-v', 'error', '-i', path, '-f', 'null', '-'], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.deepEqual([decode.status, decode.stderr], [0, '']);
    const frames = execFileSync(
      'ffprobe',
      [
        '-v',
        'error',
        '-count_frames',
        '-select_streams',
        'v:0',
        '-show_entries',
        'stream=nb_read_frames',
        '-of',
        'csv=p=0',
        path,
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    assert.equal(Number(frames.trim()), 90);
  });
});
