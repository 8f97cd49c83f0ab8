import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { MediaFormatError } from '@rapidrtmp/media-core';
import { mdatHeader, NON_SYNC_SAMPLE_FLAGS, SYNC_SAMPLE_FLAGS } from './fragment-boxes.js';
import { writeFragment } from './fragment.js';
import { writeInitSegment } from './init-segment.js';
import { type ClipTrack, fragmentSamples, loadClip } from './testing/clip.js';
import { parseMp4, walkBoxes } from './testing/mp4-inspect.js';
import type { FragmentSample, TrackRun } from './types.js';

const fixture = (name: string): Buffer => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));

/** Cuts a clip into fragments of `seconds`, each holding both tracks' samples for that span. */
function fragmentClip(clip: ClipTrack[], seconds: number, ctsShift = 0): Buffer[][] {
  const fragments: Buffer[][] = [];
  const position = clip.map(() => 0);
  for (let n = 1; position.some((p, i) => p < clip[i]!.samples.length); n++) {
    const runs: TrackRun[] = clip.map((track, i) => {
      const end = n * seconds * track.timescale;
      const start = position[i]!;
      let stop = start;
      while (stop < track.samples.length && track.samples[stop]!.dts < end) stop++;
      position[i] = stop;
      const shift = track.config.codec === 'avc' ? ctsShift : 0;
      return {
        trackId: track.id,
        baseMediaDecodeTime: start < track.samples.length ? track.samples[start]!.dts : 0,
        samples: fragmentSamples(track.samples.slice(start, stop), shift),
      };
    });
    fragments.push(writeFragment(n, runs));
  }
  return fragments;
}

function sample(payload: Buffer, keyframe = true, compositionOffset = 0): FragmentSample {
  return { duration: 3000, size: payload.length, keyframe, compositionOffset, payload };
}

describe('writeFragment', () => {
  const clip = loadClip(fixture('avc-aac.mp4'));
  const init = writeInitSegment(clip.map(({ id, timescale, config }) => ({ id, timescale, config })));

  it('round-trips every sample of a B-frame H.264 + AAC clip through mp4box.js', () => {
    const fragments = fragmentClip(clip, 0.25).map((parts) => Buffer.concat(parts));
    assert.equal(fragments.length, 5); // audio runs 45 ms past the last video frame
    const whole = Buffer.concat([init, ...fragments]);
    const parsed = parseMp4(whole);
    assert.deepEqual(parsed.errors, []);
    for (const track of clip) {
      const got = parsed.file.getTrackSamplesInfo(track.id);
      assert.equal(got.length, track.samples.length);
      got.forEach((s, i) => {
        const want = track.samples[i];
        assert.equal(s.dts, want!.dts, `track ${track.id} sample ${i} dts`);
        assert.equal(s.cts, want!.cts, `track ${track.id} sample ${i} cts`);
        assert.equal(s.duration, want!.duration);
        assert.equal(s.is_sync, want!.isSync);
        assert.deepEqual(whole.subarray(s.offset, s.offset + s.size), want!.data);
      });
    }
  });

  it('writes tfhd default-base-is-moof, tfdt v1, trun v1 with data offsets that land in the mdat', () => {
    const parts = fragmentClip(clip, 0.5)[0];
    const fragment = Buffer.concat(parts!);
    const boxes = walkBoxes(fragment);
    assert.deepEqual(
      boxes.map((b) => b.type),
      ['moof', 'mfhd', 'traf', 'tfhd', 'tfdt', 'trun', 'traf', 'tfhd', 'tfdt', 'trun', 'mdat'],
    );
    const moof = boxes[0];
    const mdat = boxes[boxes.length - 1];
    assert.equal(parts![0]!.length, moof!.size);
    assert.equal(parts![1]!.length, 8);
    for (const tfhd of boxes.filter((b) => b.type === 'tfhd')) assert.equal(tfhd.body.readUInt32BE(0), 0x020000);
    for (const tfdt of boxes.filter((b) => b.type === 'tfdt')) assert.equal(tfdt.body[0], 1);
    const truns = boxes.filter((b) => b.type === 'trun');
    let expected = mdat!.start + 8;
    truns.forEach((trun, i) => {
      assert.equal(trun.body[0], 1, 'trun version 1');
      const count = trun.body.readUInt32BE(4);
      const offset = trun.body.readInt32BE(8);
      assert.equal(moof!.start + offset, expected, `run ${i} starts where the previous one ended`);
      const perSample = trun.body.readUIntBE(1, 3) & 0x800 ? 16 : 12;
      let bytes = 0;
      for (let s = 0; s < count; s++) bytes += trun.body.readUInt32BE(12 + s * perSample + 4);
      expected += bytes;
      assert.ok(expected <= mdat!.start + mdat!.size, 'run ends inside the mdat');
    });
    assert.equal(expected, mdat!.start + mdat!.size);
  });

  it('references the payload Buffers instead of copying them', () => {
    const payloads = [Buffer.from([1, 2, 3]), Buffer.from([4, 5])];
    const out = writeFragment(7, [{ trackId: 1, baseMediaDecodeTime: 0, samples: payloads.map((p) => sample(p)) }]);
    assert.equal(out.length, 4);
    assert.equal(out[2], payloads[0]);
    assert.equal(out[3], payloads[1]);
    assert.equal(out[1]!.readUInt32BE(0), 8 + 5);
  });

  it('writes 64-bit decode times past 2^32 and signed composition offsets', () => {
    const base = 2 ** 33 + 12345;
    const samples = [
      sample(Buffer.alloc(4), true, 0),
      sample(Buffer.alloc(4), false, -3000),
      sample(Buffer.alloc(4), false, 6000),
    ];
    const fragment = Buffer.concat(writeFragment(1, [{ trackId: 3, baseMediaDecodeTime: base, samples }]));
    const boxes = walkBoxes(fragment);
    const tfdt = boxes.find((b) => b.type === 'tfdt')!;
    assert.equal(Number(tfdt.body.readBigUInt64BE(4)), base);
    const trun = boxes.find((b) => b.type === 'trun')!;
    assert.equal(trun.body.readUIntBE(1, 3), 0x000f01);
    const field = (i: number, f: number): Buffer => trun.body.subarray(12 + i * 16 + f * 4, 12 + i * 16 + f * 4 + 4);
    assert.deepEqual(
      [0, 1, 2].map((i) => field(i, 3).readInt32BE(0)),
      [0, -3000, 6000],
    );
    assert.deepEqual(
      [0, 1, 2].map((i) => field(i, 2).readUInt32BE(0)),
      [SYNC_SAMPLE_FLAGS, NON_SYNC_SAMPLE_FLAGS, NON_SYNC_SAMPLE_FLAGS],
    );
    assert.equal(boxes.find((b) => b.type === 'mfhd')!.body.readUInt32BE(4), 1);
  });

  it('leaves composition offsets out of trun when all are zero', () => {
    const fragment = Buffer.concat(
      writeFragment(1, [{ trackId: 1, baseMediaDecodeTime: 0, samples: [sample(Buffer.alloc(2))] }]),
    );
    const trun = walkBoxes(fragment).find((b) => b.type === 'trun')!;
    assert.equal(trun.body.readUIntBE(1, 3), 0x000701);
    assert.equal(trun.body.length, 8 + 4 + 12);
  });

  it('leaves empty runs out', () => {
    const fragment = Buffer.concat(
      writeFragment(2, [
        { trackId: 1, baseMediaDecodeTime: 0, samples: [] },
        { trackId: 2, baseMediaDecodeTime: 0, samples: [sample(Buffer.alloc(2))] },
      ]),
    );
    const tfhds = walkBoxes(fragment).filter((b) => b.type === 'tfhd');
    assert.deepEqual(
      tfhds.map((b) => b.body.readUInt32BE(4)),
      [2],
    );
  });

  it('uses a 64-bit mdat largesize past 4 GiB', () => {
    const header = mdatHeader(2 ** 32);
    assert.equal(header.length, 16);
    assert.equal(header.readUInt32BE(0), 1);
    assert.equal(Number(header.readBigUInt64BE(8)), 2 ** 32 + 16);
    assert.equal(mdatHeader(100).readUInt32BE(0), 108);
  });

  it('rejects inconsistent samples with typed errors', () => {
    const code = (run: TrackRun, seq = 1): string | undefined => {
      try {
        writeFragment(seq, [run]);
      } catch (e) {
        return e instanceof MediaFormatError ? e.code : 'untyped';
      }
      return undefined;
    };
    const ok = sample(Buffer.alloc(3));
    assert.equal(code({ trackId: 1, baseMediaDecodeTime: 0, samples: [{ ...ok, size: 4 }] }), 'fmp4-sample-invalid');
    assert.equal(
      code({ trackId: 1, baseMediaDecodeTime: 0, samples: [{ ...ok, duration: -1 }] }),
      'fmp4-sample-invalid',
    );
    assert.equal(
      code({ trackId: 1, baseMediaDecodeTime: 0, samples: [{ ...ok, compositionOffset: 2 ** 31 }] }),
      'fmp4-sample-invalid',
    );
    assert.equal(code({ trackId: 0, baseMediaDecodeTime: 0, samples: [ok] }), 'fmp4-track-id-invalid');
    assert.equal(code({ trackId: 1, baseMediaDecodeTime: -5, samples: [ok] }), 'fmp4-decode-time-invalid');
    assert.equal(code({ trackId: 1, baseMediaDecodeTime: 0, samples: [ok] }, -1), 'fmp4-sequence-number-invalid');
  });
});
