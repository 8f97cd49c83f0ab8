import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { parseAv1Config, parseHevcConfig, parseVp9Config } from '@rapidrtmp/codecs';
import { FLV_TAG_TYPE, FlvDemuxer, readFlvFile } from '@rapidrtmp/flv';
import { av1TemporalUnits, hevcAccessUnits } from '@rapidrtmp/flv/testing';
import type { MediaPacket, VideoConfig } from '@rapidrtmp/media-core';
import { decodeFrame, type FrameRequest, MAX_IMAGE_BYTES } from './ffmpeg-decoder.js';
import { keyframeInput } from './keyframe-input.js';
import { ThumbnailError } from './thumbnail-error.js';

// Real ffmpeg (Debian's 5.1 here) decoding real encoder output: the FLV fixtures' bytes and their script.
const fixture = (name: string) => readFileSync(new URL(`../../../media/flv/fixtures/${name}`, import.meta.url));
const run = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), 'rr-thumbnails-'));

/** What ffprobe says the image is. */
async function probe(image: Buffer): Promise<{ codec: string; width: number; height: number }> {
  const path = join(work, `probe-${Math.random().toString(36).slice(2)}`);
  writeFileSync(path, image);
  const { stdout } = await run('ffprobe', [
    '-v',
    'error',
    '-show_entries',
    'stream=codec_name,width,height',
    '-of',
    'json',
    path,
  ]);
  const stream = (JSON.parse(stdout) as { streams: Array<{ codec_name: string; width: number; height: number }> })
    .streams[0]!;
  return { codec: stream.codec_name, width: stream.width, height: stream.height };
}

function isJpeg(image: Buffer): boolean {
  return image[0] === 0xff && image[1] === 0xd8 && image.at(-2) === 0xff && image.at(-1) === 0xd9;
}

/** The AVC config and first keyframe of an FLV fixture, through the demuxer ingest uses. */
function avcKeyframe(): { config: VideoConfig; keyframe: MediaPacket } {
  const demuxer = new FlvDemuxer();
  for (const tag of readFlvFile(fixture('h264-high-bframes-aac.flv')).tags) {
    if (tag.type !== FLV_TAG_TYPE.video) continue;
    const event = demuxer.pushVideo(tag.timestamp, tag.body);
    if (event?.type === 'packet' && event.packet.keyframe)
      return { config: demuxer.videoConfig!, keyframe: event.packet };
  }
  throw new Error('no keyframe in the fixture');
}

const packet = (codec: MediaPacket['codec'], payload: Buffer): MediaPacket => ({
  track: 'video',
  codec,
  dts: 0,
  pts: 0,
  keyframe: true,
  payload,
});

const decode = (request: FrameRequest, signal = new AbortController().signal) => decodeFrame('ffmpeg', request, signal);

describe('decodeFrame: one keyframe to an image with the real ffmpeg', () => {
  after(() => rmSync(work, { recursive: true, force: true }));

  it('decodes an H.264 High (B-frames) keyframe sent as FLV to a JPEG of the picture size, and scales it', async () => {
    const { config, keyframe } = avcKeyframe();
    const full = await decode({ input: keyframeInput(config, keyframe), format: 'jpeg' });
    assert.ok(isJpeg(full), 'SOI ... EOI');
    assert.deepEqual(await probe(full), { codec: 'mjpeg', width: 320, height: 240 });
    const small = await decode({ input: keyframeInput(config, keyframe), width: 160, format: 'jpeg' });
    assert.deepEqual(await probe(small), { codec: 'mjpeg', width: 160, height: 120 });
    const webp = await decode({ input: keyframeInput(config, keyframe), width: 200, format: 'webp' });
    assert.equal(webp.toString('latin1', 8, 12), 'WEBP');
    assert.deepEqual(await probe(webp), { codec: 'webp', width: 200, height: 150 });
  });

  it('decodes an HEVC keyframe sent as Annex-B (parameter sets from the hvcC record)', async () => {
    const config = parseHevcConfig(fixture('hevc-hvcC.bin'));
    const first = hevcAccessUnits(fixture('hevc-8frames.hevc'))[0]!;
    const image = await decode({ input: keyframeInput(config, packet('hevc', first)), format: 'jpeg' });
    assert.deepEqual(await probe(image), { codec: 'mjpeg', width: 320, height: 240 });
  });

  it('decodes an AV1 keyframe sent as a low-overhead OBU stream (sequence header from the av1C record)', async () => {
    const config = parseAv1Config(fixture('av1-av1C.bin'));
    const first = av1TemporalUnits(fixture('av1-8frames.obu'))[0]!;
    const image = await decode({ input: keyframeInput(config, packet('av1', first)), width: 160, format: 'jpeg' });
    assert.deepEqual(await probe(image), { codec: 'mjpeg', width: 160, height: 120 });
  });

  it('decodes a VP9 keyframe sent as a one-frame IVF file', async () => {
    const ivf = join(work, 'vp9.ivf');
    await run('ffmpeg', [
      ...['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=30', '-frames:v', '1'],
      ...['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-pix_fmt', 'yuv420p', '-f', 'ivf', ivf],
    ]);
    const file = readFileSync(ivf);
    const frame = file.subarray(32 + 12, 32 + 12 + file.readUInt32LE(32));
    const config = parseVp9Config(Buffer.from([1, 0, 0, 0, 0, 10, 0x80, 1, 1, 1, 0, 0]));
    const image = await decode({ input: keyframeInput(config, packet('vp9', frame)), format: 'jpeg' });
    assert.deepEqual(await probe(image), { codec: 'mjpeg', width: 320, height: 240 });
  });

  it('takes a fragmented MP4 segment (init + media) from stdin and decodes the frame at an offset into it', async () => {
    const mp4 = join(work, 'fragmented.mp4');
    await run('ffmpeg', [
      ...['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=30', '-t', '2', '-c:v', 'libx264'],
      ...['-preset', 'veryfast', '-g', '30', '-pix_fmt', 'yuv420p', '-movflags', '+frag_keyframe+empty_moov', mp4],
    ]);
    const image = await decode({
      input: { format: 'mp4', chunks: [readFileSync(mp4)], seekSeconds: 1.5 },
      width: 320,
      format: 'jpeg',
    });
    assert.ok(isJpeg(image));
    assert.deepEqual(await probe(image), { codec: 'mjpeg', width: 320, height: 180 });
    const native = await decode({ input: { format: 'mp4', chunks: [readFileSync(mp4)] }, format: 'jpeg' });
    assert.deepEqual(await probe(native), { codec: 'mjpeg', width: 640, height: 360 }, 'unset width: its own');
  });

  it('answers decode-failed with ffmpeg’s reason for bytes that are no picture, and when ffmpeg is missing', async () => {
    const garbage = decode({ input: { format: 'flv', chunks: [Buffer.from('FLV not really')] }, format: 'jpeg' });
    await assert.rejects(garbage, (error: ThumbnailError) => error.code === 'decode-failed');
    const missing = decodeFrame(
      '/nonexistent/ffmpeg',
      { input: { format: 'flv', chunks: [] }, format: 'jpeg' },
      new AbortController().signal,
    );
    await assert.rejects(
      missing,
      (error: ThumbnailError) => error.code === 'decode-failed' && /could not be started/.test(error.message),
    );
  });

  it('kills the process by its PID when aborted, and once its output passes the cap', async () => {
    // Stand-ins for a hung and a runaway ffmpeg; `exec`, so the PID they write is the process that must die.
    const standIn = (name: string, command: string) => {
      const path = join(work, name);
      writeFileSync(path, `#!/bin/sh\necho $$ > ${path}.pid\nexec ${command}\n`);
      chmodSync(path, 0o755);
      return { path, pid: () => Number(readFileSync(`${path}.pid`, 'utf8')) };
    };
    const gone = (pid: number) =>
      assert.throws(() => process.kill(pid, 0), { code: 'ESRCH' }, `process ${pid} is gone`);
    const hung = standIn('hung-ffmpeg', 'sleep 60');
    const runaway = standIn('runaway-ffmpeg', `head -c ${MAX_IMAGE_BYTES + 1_000_000} /dev/zero`);
    const request: FrameRequest = { input: { format: 'flv', chunks: [] }, format: 'jpeg' };

    const controller = new AbortController();
    const started = Date.now();
    const stopped = decodeFrame(hung.path, request, controller.signal);
    setTimeout(() => controller.abort(), 300);
    await assert.rejects(stopped, (error: ThumbnailError) => error.code === 'timeout');
    assert.ok(Date.now() - started < 5000);
    gone(hung.pid());

    const capped = decodeFrame(runaway.path, request, new AbortController().signal);
    await assert.rejects(capped, (error: ThumbnailError) => error.code === 'too-large');
    gone(runaway.pid());
  });
});
