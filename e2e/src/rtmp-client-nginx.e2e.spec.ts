// The pure RtmpClientSession (what restream targets publish with) against a real RTMP server: nginx +
// libnginx-mod-rtmp on a private loopback port. The test clip's real H.264+AAC FLV tags go out through the
// client on a real socket, paced in real time, while the real ffmpeg plays the stream back from nginx and
// decodes it: a clean decode (empty stderr) and ffprobe's view of the streams are the verdict.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import type { FlvFileTag } from '@rapidrtmp/flv';
import { RtmpClientError } from '@rapidrtmp/rtmp';
import { nginxRtmpAvailable, startNginxRtmp, testClip, waitFor, type NginxRtmp } from '@rapidrtmp/test-support';
import { clipFlvTags, replayTags } from './support/flv-replay.js';
import { SocketRtmpPublisher } from './support/rtmp-client-socket.js';

const APP = 'live';
/** Clip milliseconds published per run: ffmpeg reads 3 s of it, with time to join and probe. */
const PUBLISH_MS = 7_000;
const PLAYER_TIMEOUT_MS = 30_000;

interface PlayerResult {
  code: number | null;
  stderr: string;
  stdout: string;
}

/** The real ffmpeg/ffprobe reading `url`, killed (by pid) after `timeoutMs`. */
function player(command: 'ffmpeg' | 'ffprobe', args: string[], timeoutMs: number): Promise<PlayerResult> {
  const child: ChildProcess = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout = (stdout + chunk.toString()).slice(-20_000)));
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-20_000)));
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      stderr += `\n(killed after ${timeoutMs} ms)`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, stdout });
    });
  });
}

/**
 * ffmpeg decodes 3 s of the live stream; ffprobe reports its streams. Both wait on nginx before the
 * publisher starts, so they begin at the clip's first keyframe: where a player joins a running stream
 * matters to ffmpeg's null muxer (joining this clip at its 2 s keyframe prints "non monotonically
 * increasing dts" warnings for ffmpeg's own publisher too), and the verdict should be about our bytes.
 */
function players(url: string) {
  const decode = player(
    'ffmpeg',
    ['-hide_banner', '-nostdin', '-v', 'error', '-i', url, '-t', '3', '-f', 'null', '-'],
    PLAYER_TIMEOUT_MS,
  );
  const probe = player(
    'ffprobe',
    ['-v', 'error', '-show_entries', 'stream=codec_name,width,height,sample_rate', '-of', 'json', url],
    PLAYER_TIMEOUT_MS,
  );
  return { decode, probe };
}

describe('RtmpClientSession publishing to nginx-rtmp', { timeout: 120_000 }, () => {
  let nginx: NginxRtmp;
  let tags: FlvFileTag[];

  before(async () => {
    assert.ok(
      nginxRtmpAvailable(),
      'nginx + libnginx-mod-rtmp must be installed (apt-get install nginx libnginx-mod-rtmp)',
    );
    [nginx, tags] = await Promise.all([
      startNginxRtmp({ apps: [APP], logLevel: 'info' }),
      testClip().then(clipFlvTags),
    ]);
  });

  after(async () => {
    await nginx?.stop();
  });

  /** Publishes the clip from clip time 0 with the RTMP clock starting at `clockStartMs`, while ffmpeg plays it. */
  async function publishAndPlay(streamName: string, clockStartMs: number, outgoingChunkSize?: number) {
    const url = `rtmp://127.0.0.1:${nginx.rtmpPort}/${APP}/${streamName}`;
    const { decode, probe } = players(url);
    const playing = `play: name='${streamName}'`;
    await waitFor(`ffmpeg and ffprobe playing ${streamName}`, () => nginx.errorLog().split(playing).length > 2);
    const publisher = await SocketRtmpPublisher.publish(nginx.rtmpPort, {
      app: APP,
      tcUrl: `rtmp://127.0.0.1:${nginx.rtmpPort}/${APP}`,
      streamName,
      outgoingChunkSize,
    });
    try {
      const sent = await replayTags(publisher, tags, { clockStartMs, durationMs: PUBLISH_MS });
      return { sent, decoded: await decode, probed: await probe, publisher };
    } finally {
      await publisher.close();
    }
  }

  it('publishes H.264+AAC that ffmpeg decodes from nginx without an error', async (t) => {
    const { sent, decoded, probed, publisher } = await publishAndPlay('client-e2e', 0);
    t.diagnostic(
      `sent ${sent.videoFrames} video / ${sent.audioFrames} audio frames, ${publisher.session.bytesSent} bytes`,
    );
    assert.equal(decoded.stderr, '', 'ffmpeg decodes the stream without a message');
    assert.equal(decoded.code, 0);
    const streams = (JSON.parse(probed.stdout) as { streams: Record<string, unknown>[] }).streams;
    assert.deepEqual(
      streams.map((s) => s.codec_name).sort(),
      ['aac', 'h264'],
      `ffprobe: ${probed.stdout} ${probed.stderr}`,
    );
    assert.deepEqual(
      streams.filter((s) => s.codec_name === 'h264').map((s) => [s.width, s.height]),
      [[640, 360]],
    );
    assert.ok(
      publisher.statuses.some((s) => s.code === 'NetStream.Publish.Start'),
      JSON.stringify(publisher.statuses),
    );
    assert.ok(sent.videoFrames >= 150, `${sent.videoFrames} video frames`);
  });

  for (const { what, name, clockStartMs, chunkSize } of [
    // 2 s before 16,777,215 ms: the clock crosses into the 4-byte extended field while ffmpeg reads.
    {
      what: 'past 2^24 ms (extended timestamps, 128-byte chunks)',
      name: 'ext',
      clockStartMs: 0xffffff - 2000,
      chunkSize: 128,
    },
    { what: 'across the 32-bit wrap', name: 'wrap', clockStartMs: 0x1_0000_0000 - 2000, chunkSize: undefined },
  ]) {
    it(`keeps nginx serving a decodable stream with the clock ${what}`, async () => {
      const { decoded } = await publishAndPlay(`client-e2e-${name}`, clockStartMs, chunkSize);
      assert.equal(decoded.stderr, '', 'ffmpeg decodes the stream without a message');
      assert.equal(decoded.code, 0);
    });
  }

  it('reports nginx refusing a second publisher of the same name (NetStream.Publish.BadName)', async () => {
    const options = {
      app: APP,
      tcUrl: `rtmp://127.0.0.1:${nginx.rtmpPort}/${APP}`,
      streamName: 'client-e2e-busy',
    };
    const first = await SocketRtmpPublisher.publish(nginx.rtmpPort, options);
    try {
      await assert.rejects(SocketRtmpPublisher.publish(nginx.rtmpPort, options), (error) => {
        assert.ok(error instanceof RtmpClientError, String(error));
        assert.equal(error.code, 'publish-rejected');
        assert.equal(error.statusCode, 'NetStream.Publish.BadName');
        assert.doesNotMatch(error.message, /client-e2e-busy/);
        return true;
      });
      assert.equal(first.session.publishing, true, 'the first publisher is untouched');
    } finally {
      await first.close();
    }
  });
});
