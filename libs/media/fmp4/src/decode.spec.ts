// Independent decoder check: ffmpeg/ffprobe must read init + fragments of every codec without a complaint.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { writeFragment } from './fragment.js';
import { writeInitSegment } from './init-segment.js';
import { type ClipTrack, fragmentSamples, loadClip } from './testing/clip.js';

const fixture = (name: string): Buffer => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'fmp4-decode-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** init + one fragment per `seconds` of media, written to a file. */
function writeFragmented(name: string, clip: ClipTrack[], seconds: number, ctsShift = 0): string {
  const out: Buffer[] = [writeInitSegment(clip.map(({ id, timescale, config }) => ({ id, timescale, config })))];
  const position = clip.map(() => 0);
  for (let n = 1; position.some((p, i) => p < clip[i]!.samples.length); n++) {
    const runs = clip.map((track, i) => {
      const start = position[i]!;
      let stop = start;
      while (stop < track.samples.length && track.samples[stop]!.dts < n * seconds * track.timescale) stop++;
      position[i] = stop;
      return {
        trackId: track.id,
        baseMediaDecodeTime: track.samples[Math.min(start, track.samples.length - 1)]!.dts,
        samples: fragmentSamples(track.samples.slice(start, stop), track.config.codec === 'avc' ? ctsShift : 0),
      };
    });
    out.push(...writeFragment(n, runs));
  }
  const path = join(dir, name);
  writeFileSync(path, Buffer.concat(out));
  return path;
}

function decodeErrors(path: string): string {
  const run = spawnSync('ffmpeg', ['-v', 'error', '-nostdin', '-i', path, '-f', 'null', '-'], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return run.stderr.trim();
}

function probePackets(path: string, stream: string): { pts: number; dts: number; flags: string }[] {
  const csv = execFileSync(
    'ffprobe',
    ['-v', 'error', '-select_streams', stream, '-show_entries', 'packet=pts,dts,flags', '-of', 'csv=p=0', path],
    { encoding: 'utf8' },
  );
  return csv
    .trim()
    .split('\n')
    .map((line) => {
      const [pts, dts, flags] = line.split(',');
      return { pts: Number(pts), dts: Number(dts), flags: flags ?? '' };
    });
}

describe('fragmented output decodes with ffmpeg', () => {
  for (const name of ['avc-aac.mp4', 'hevc.mp4', 'av1.mp4', 'vp9.mp4', 'opus.mp4']) {
    it(`${name}: init + 0.25 s fragments decode without errors, every packet present`, () => {
      const clip = loadClip(fixture(name));
      const path = writeFragmented(`out-${name}`, clip, 0.25);
      assert.equal(decodeErrors(path), '');
      clip.forEach((track, i) => {
        const packets = probePackets(path, String(i));
        assert.equal(packets.length, track.samples.length, `stream ${i} packet count`);
        assert.equal(
          packets.filter((p) => p.flags.startsWith('K')).length,
          track.samples.filter((s) => s.isSync).length,
        );
      });
    });
  }

  it('negative composition offsets (first frame shown at its decode time) decode with the same presentation order', () => {
    const clip = loadClip(fixture('avc-aac.mp4'));
    const video = clip[0];
    const shift = video!.samples[0]!.cts - video!.samples[0]!.dts;
    assert.ok(shift > 0, 'the fixture has B-frame reordering delay');
    const path = writeFragmented('negative-cts.mp4', clip, 0.5, shift);
    assert.equal(decodeErrors(path), '');
    const packets = probePackets(path, 'v:0');
    const ptsFromSource = video!.samples.map((s) => s.cts - shift);
    assert.ok(
      ptsFromSource.some((pts, i) => pts < video!.samples[i]!.dts),
      'some offsets are negative',
    );
    // ffmpeg shifts dts down by the largest negative offset (mov dts_shift); presentation times keep their spacing.
    assert.deepEqual(
      packets.map((p) => p.pts - packets[0]!.pts),
      ptsFromSource.map((pts) => pts - ptsFromSource[0]!),
    );
    assert.equal(
      packets[0]!.pts - packets[0]!.dts,
      0 - Math.min(...video!.samples.map((s, i) => ptsFromSource[i]! - s.dts)),
    );
  });
});
