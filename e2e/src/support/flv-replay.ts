import { execFile } from 'node:child_process';
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { promisify } from 'node:util';
import { decodeAmf0, type AmfValue } from '@rapidrtmp/amf';
import { FLV_TAG_TYPE, readFlvFile, type FlvFileTag } from '@rapidrtmp/flv';

const run = promisify(execFile);

/**
 * The tags of an MP4 clip remuxed to FLV by the real ffmpeg (`-c copy`, cached next to the clip): exactly
 * the RTMP message bodies ffmpeg would publish (sequence headers, AVCC frames with their composition
 * times, raw AAC), with their millisecond timestamps starting near 0.
 */
export async function clipFlvTags(clip: string): Promise<FlvFileTag[]> {
  const flv = clip.replace(/\.mp4$/, '.flv');
  if (!existsSync(flv)) {
    const partial = `${flv}.${process.pid}.partial.flv`;
    await run('ffmpeg', ['-v', 'error', '-y', '-i', clip, '-c', 'copy', '-f', 'flv', partial], { timeout: 60_000 });
    renameSync(partial, flv);
  }
  return readFlvFile(readFileSync(flv)).tags;
}

/** What `replayTags` publishes through: the e2e EnhancedRtmpPublisher, or a socket host of RtmpClientSession. */
export interface TagPublisher {
  readonly isClosed: boolean;
  sendVideo(timestamp: number, body: Buffer): void;
  sendAudio(timestamp: number, body: Buffer): void;
  sendMetadata(metadata: Record<string, AmfValue>): void;
  /** Resolves once the socket took what was sent (pacing stays honest). */
  drained(): Promise<void>;
}

export interface ReplayOptions {
  /** The publisher's clock at the clip's time 0: every RTMP timestamp is `(clockStartMs + tag ms) mod 2^32`. */
  clockStartMs: number;
  /** Clip milliseconds to send (tags from 0 up to this). */
  durationMs: number;
  /** Playback rate of the pacing: 1 = real time. */
  speed?: number;
}

export interface ReplayResult {
  videoFrames: number;
  audioFrames: number;
}

/**
 * Publishes FLV tags again with a shifted clock, paced against the wall clock like a live encoder (a tag
 * goes out when its clip time is due), so a test can put a publisher hours or weeks into its session.
 */
export async function replayTags(
  publisher: TagPublisher,
  tags: readonly FlvFileTag[],
  options: ReplayOptions,
): Promise<ReplayResult> {
  const speed = options.speed ?? 1;
  const startedAt = Date.now();
  let videoFrames = 0;
  let audioFrames = 0;
  for (const tag of tags) {
    if (tag.timestamp > options.durationMs) break;
    if (publisher.isClosed) throw new Error(`the server closed the connection at clip time ${tag.timestamp} ms`);
    const wait = startedAt + tag.timestamp / speed - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const timestamp = (options.clockStartMs + tag.timestamp) >>> 0;
    if (tag.type === FLV_TAG_TYPE.video) {
      publisher.sendVideo(timestamp, tag.body);
      if (!isSequenceHeader(tag)) videoFrames++;
    } else if (tag.type === FLV_TAG_TYPE.audio) {
      publisher.sendAudio(timestamp, tag.body);
      if (!isSequenceHeader(tag)) audioFrames++;
    } else if (tag.type === FLV_TAG_TYPE.script) {
      const [name, metadata] = decodeAmf0(tag.body);
      if (name === 'onMetaData' && metadata && typeof metadata === 'object' && !Array.isArray(metadata)) {
        publisher.sendMetadata(metadata as Record<string, AmfValue>);
      }
    }
    await publisher.drained();
  }
  return { videoFrames, audioFrames };
}

/** AVC/AAC packet type 0 (FLV spec E.4.2.1 / E.4.3.1): a configuration record, not a frame. */
function isSequenceHeader(tag: FlvFileTag): boolean {
  return tag.body.length > 1 && tag.body[1] === 0;
}
