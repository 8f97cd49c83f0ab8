// The 720p live-load clip as RTMP bytes on the wire: what ffmpeg sends our server session when it publishes
// the clip, recorded once and cached beside the clip. In-process benches replay it without sockets.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { RtmpServerSession } from '@rapidrtmp/rtmp';
import { listenOnFreePort, LIVE_CLIP, testClip } from '@rapidrtmp/test-support';
import { commandWorks } from './bench-support.js';

/**
 * Client->server bytes of ffmpeg publishing the live-load clip (no -re) to our own session over TCP,
 * cached beside the clip (like the fixtures: C0+C1+C2, then the chunk stream until ffmpeg disconnects).
 */
export async function recordLiveClipCapture(): Promise<Buffer | undefined> {
  if (!commandWorks('ffmpeg', ['-version'])) return undefined;
  const clip = await testClip(LIVE_CLIP, console.log);
  const cached = clip.replace(/\.mp4$/, '.rtmp-capture.bin');
  if (existsSync(cached)) return readFileSync(cached);
  const received: Buffer[] = [];
  const server = createServer((socket) => {
    const session: RtmpServerSession = new RtmpServerSession({
      send: (bytes) => {
        for (const part of Array.isArray(bytes) ? bytes : [bytes]) socket.write(part);
      },
      onPublish: (request) => session.acceptPublish(request.streamId),
      onProtocolError: () => socket.destroy(),
    });
    socket.on('data', (chunk: Buffer) => {
      received.push(chunk);
      session.receive(chunk);
    });
    socket.on('error', () => undefined);
    socket.on('close', () => session.end());
  });
  const port = await listenOnFreePort(server);
  try {
    const ffmpeg = spawn(
      'ffmpeg',
      [
        '-hide_banner',
        '-v',
        'error',
        '-nostdin',
        '-i',
        clip,
        '-c',
        'copy',
        '-f',
        'flv',
        `rtmp://127.0.0.1:${port}/live/bench`,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    ffmpeg.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    const killer = setTimeout(() => ffmpeg.kill('SIGKILL'), 60_000);
    const code = await new Promise<number | null>((resolve) => ffmpeg.once('exit', resolve));
    clearTimeout(killer);
    if (code !== 0) throw new Error(`ffmpeg publishing the 720p clip exited with ${code}: ${stderr}`);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  const capture = Buffer.concat(received);
  writeFileSync(`${cached}.${process.pid}`, capture);
  renameSync(`${cached}.${process.pid}`, cached);
  return capture;
}
