import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import type { FlvFileTag } from '@rapidrtmp/flv';
import { createTestDatabase, type TestDatabase } from '@rapidrtmp/server-persistence/testing';
import { seedPublisher, ServerProcess, testClip, waitFor } from '@rapidrtmp/test-support';
import { startPlayerPageServer } from '@rapidrtmp/test-support/browser';
import { artifactPath, launchChromium } from './support/browser.js';
import { EnhancedRtmpPublisher } from './support/enhanced-rtmp-publisher.js';
import { clipFlvTags, replayTags } from './support/flv-replay.js';
import { trackFragmentTimings, trackTimescales, type TrackFragmentTiming } from './support/fragment-timing.js';
import { fetchLiveEdge, fetchMultivariant, fetchResource, mediaPlaylistUrl } from './support/hls-live.js';

/*
 * A publisher hours or weeks into its session. RTMP timestamps are 32-bit milliseconds:
 * - past 2^24 - 1 ms (4.66 h) a chunk header's 24-bit field holds 0xFFFFFF and the real value follows as
 *   an extended timestamp, which type-3 chunks of the same message repeat (RTMP 5.3.1.3);
 * - at 2^32 ms (49.7 days) the clock wraps to 0, and the server must unwrap it so decode times (fMP4
 *   tfdt) keep increasing without a discontinuity.
 * Our own publisher (support/enhanced-rtmp-publisher.ts) sends the real H.264 + AAC tags of the test clip
 * (remuxed to FLV by ffmpeg) with its clock started BEFORE_BOUNDARY_MS short of the boundary, in real time,
 * every message with a type-0 header and cut into 128-byte chunks, so every message past the boundary
 * carries the extended field in its header and in each of its type-3 chunks.
 */

const run = promisify(execFile);
const BEFORE_BOUNDARY_MS = 8000;
const PUBLISH_MS = 15_000;
const CHUNK_SIZE = 128;

interface PlayerState {
  currentTime: number;
  /** hls.js `playingDate`: EXT-X-PROGRAM-DATE-TIME of the current position, epoch ms. */
  playingDate: number | null;
  firstFrame: number | null;
  now: number;
  fatal: unknown[];
  stalls: Array<{ start: number; end: number | null }>;
}

function playerState(tab: Page): Promise<PlayerState> {
  return tab.evaluate(() => {
    const w = window as unknown as {
      hls: { playingDate: Date | null };
      report: { firstFrame: number | null; fatal: unknown[]; stalls: Array<{ start: number; end: number | null }> };
    };
    return {
      currentTime: (document.getElementById('v') as HTMLVideoElement).currentTime,
      playingDate: w.hls.playingDate ? w.hls.playingDate.getTime() : null,
      firstFrame: w.report.firstFrame,
      now: performance.now(),
      fatal: w.report.fatal,
      stalls: w.report.stalls,
    };
  });
}

/** Consecutive fragments of one track: each starts where the previous one ended, to the tick. */
function assertContinuous(trackId: number, timescale: number, fragments: TrackFragmentTiming[]): void {
  const all = fragments.flatMap((f) => f.durations);
  const typical = [...all].sort((a, b) => a - b)[all.length >> 1]!;
  for (const [i, fragment] of fragments.entries()) {
    if (fragment.baseMediaDecodeTime > 0xffff_ffff) assert.equal(fragment.tfdtVersion, 1);
    for (const duration of fragment.durations) {
      assert.ok(
        duration > 0 && duration <= 3 * typical,
        `track ${trackId} fragment ${fragment.fragment}: a sample of ${duration} ticks (typical ${typical})`,
      );
    }
    const next = fragments[i + 1];
    if (!next) continue;
    const end = fragment.baseMediaDecodeTime + fragment.durations.reduce((a, b) => a + b, 0);
    assert.equal(
      next.baseMediaDecodeTime,
      end,
      `track ${trackId}: fragment ${next.fragment} starts at ${next.baseMediaDecodeTime}, the previous ended at ${end} (timescale ${timescale})`,
    );
  }
}

describe('long streams: RTMP timestamps past 2^24 ms and across the 2^32 ms wrap', { timeout: 85_000 }, () => {
  let db: TestDatabase;
  let server: ServerProcess;
  let browser: Browser;
  let page: Awaited<ReturnType<typeof startPlayerPageServer>>;
  let tags: FlvFileTag[];

  before(async () => {
    db = await createTestDatabase('rr_long_ts');
    [server, browser, page, tags] = await Promise.all([
      // A window that still lists the whole publish when it ends, so every segment can be fetched.
      ServerProcess.start({ env: { DATABASE_URL: db.url, HLS_WINDOW: '20' } }),
      launchChromium(),
      startPlayerPageServer(),
      testClip({ seconds: 30 }).then(clipFlvTags),
    ]);
  });

  after(async () => {
    await browser?.close();
    await page?.close();
    await server?.stop();
    await db?.drop();
  });

  const cases = [
    { name: 'extended timestamps from 2^24 ms (4.66 h)', boundary: 2 ** 24 },
    { name: 'the 32-bit wrap at 2^32 ms (49.7 days)', boundary: 2 ** 32 },
  ];

  for (const { name, boundary } of cases) {
    it(`${name}: tfdt continues across it, ffmpeg decodes every segment, hls.js plays through it`, async () => {
      const seeded = await seedPublisher(db.url);
      const publisher = await EnhancedRtmpPublisher.publish({
        port: server.rtmpPort,
        streamName: seeded.key,
        chunkSize: CHUNK_SIZE,
      });
      const tab = await browser.newPage();
      try {
        // The wall-clock time the boundary is due: PROGRAM-DATE-TIME follows the publisher's clock.
        const boundaryAt = Date.now() + BEFORE_BOUNDARY_MS;
        const replaying = replayTags(publisher, tags, {
          clockStartMs: boundary - BEFORE_BOUNDARY_MS,
          durationMs: PUBLISH_MS,
        });
        replaying.catch(() => undefined); // awaited below; meanwhile a failure must not go unhandled
        const multivariant = await waitFor(
          'the multivariant playlist',
          () => fetchMultivariant(server.baseUrl, seeded.playbackId),
          15_000,
        );
        const mediaUrl = mediaPlaylistUrl(server.baseUrl, seeded.playbackId, multivariant);
        await tab.goto(
          `${page.url}?src=${encodeURIComponent(`${server.baseUrl}/live/${seeded.playbackId}/index.m3u8`)}`,
        );
        const first = await waitFor(
          'the first frame',
          async () => {
            const state = await playerState(tab);
            return state.firstFrame !== null && state.playingDate !== null ? state : undefined;
          },
          15_000,
          50,
        );
        assert.ok(
          first.playingDate! < boundaryAt - 500,
          `playback started ${first.playingDate! - boundaryAt} ms after the boundary: it must cross it`,
        );
        const crossed = await waitFor(
          'hls.js to play 2 s past the boundary',
          async () => {
            const state = await playerState(tab);
            return state.playingDate !== null && state.playingDate >= boundaryAt + 2000 ? state : undefined;
          },
          10_000,
        );
        const sent = await replaying;
        await tab.screenshot({ path: artifactPath(`long-stream-${Math.log2(boundary)}.png`) });
        assert.deepEqual(crossed.fatal, [], 'no fatal hls.js error');
        assert.ok(
          crossed.currentTime - first.currentTime >= (crossed.playingDate! - first.playingDate!) / 1000 - 0.5,
          `currentTime ${first.currentTime} -> ${crossed.currentTime} while the PDT moved ${crossed.playingDate! - first.playingDate!} ms`,
        );
        // After the first 2 s (LL-HLS may rebuffer once while the first parts arrive), no stall over 1 s.
        const longStalls = crossed.stalls.filter(
          (s) => s.start - crossed.firstFrame! > 2000 && (s.end ?? crossed.now) - s.start > 1000,
        );
        assert.deepEqual(longStalls, [], 'no stall longer than 1 s after start-up');

        await publisher.unpublish();
        const edge = await waitFor('EXT-X-ENDLIST', async () => {
          const live = await fetchLiveEdge(mediaUrl);
          return live?.ended ? live : undefined;
        });
        assert.doesNotMatch(edge.body, /^#EXT-X-DISCONTINUITY$/m, `no discontinuity:\n${edge.body}`);
        assert.equal(edge.mediaSequence, 0, 'the window still starts at the first segment');
        const target = Number(/#EXT-X-TARGETDURATION:(\d+)/.exec(edge.body)?.[1]);
        const extinfs = [...edge.body.matchAll(/#EXTINF:([\d.]+)/g)].map((m) => Number(m[1]));
        assert.equal(extinfs.length, edge.segments.length);
        for (const [i, extinf] of extinfs.entries()) {
          const last = i === extinfs.length - 1;
          assert.ok(
            extinf <= target && (last || extinf >= 1),
            `segment ${i} lasts ${extinf} s (target ${target})\n${edge.body}`,
          );
        }

        const init = await fetchResource(mediaUrl, edge.initUri!);
        const segments = await Promise.all(edge.segments.map((uri) => fetchResource(mediaUrl, uri)));
        const timescales = trackTimescales(init);
        const timings = trackFragmentTimings(Buffer.concat(segments));
        assert.equal(timescales.size, 2, 'video and audio tracks');
        for (const [trackId, timescale] of timescales) {
          const fragments = timings.filter((t) => t.trackId === trackId);
          assertContinuous(trackId, timescale, fragments);
          const startSeconds = fragments[0]!.baseMediaDecodeTime / timescale;
          const last = fragments.at(-1)!;
          const endSeconds = (last.baseMediaDecodeTime + last.durations.reduce((a, b) => a + b, 0)) / timescale;
          // The timeline starts near 0 and spans what was sent: neither 2^32 ms nor a step back went in.
          assert.ok(startSeconds < 1, `track ${trackId} starts at ${startSeconds} s`);
          assert.ok(
            Math.abs(endSeconds - PUBLISH_MS / 1000) < 1,
            `track ${trackId} ends at ${endSeconds} s for ${PUBLISH_MS} ms published`,
          );
        }

        // ffmpeg decodes init + every segment with no complaint, and every video frame sent is there.
        const joined = join(server.dataDir, `long-stream-${Math.log2(boundary)}.mp4`);
        writeFileSync(joined, Buffer.concat([init, ...segments]));
        const decoded = await run('ffmpeg', ['-v', 'error', '-i', joined, '-f', 'null', '-'], { timeout: 60_000 });
        assert.equal(decoded.stderr.trim(), '', 'ffmpeg reports no decode error');
        const probe = await run('ffprobe', [
          ...['-v', 'error', '-select_streams', 'v:0', '-count_packets'],
          ...['-show_entries', 'stream=nb_read_packets', '-of', 'csv=p=0', joined],
        ]);
        assert.equal(Number(probe.stdout.trim()), sent.videoFrames, 'every video frame sent is in the segments');
      } finally {
        await tab.close();
        publisher.destroy();
      }
    });
  }
});
