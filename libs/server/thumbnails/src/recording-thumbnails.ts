import { Inject, Injectable } from '@nestjs/common';
import { PlaybackSigner } from '@rapidrtmp/server-delivery';
import { recordingKey, RecordingsRepository } from '@rapidrtmp/server-recordings';
import { OBJECT_STORE, type ObjectStore } from '@rapidrtmp/server-storage';
import { segmentAt, storedDuration } from './recording-frame.js';
import { type ThumbnailAnswer, type ThumbnailAsk, tokenRequired } from './thumbnail-answer.js';
import { ThumbnailError } from './thumbnail-error.js';
import { parseTime, parseWidth } from './thumbnail-query.js';
import { pictureEtag, ThumbnailRenderer } from './thumbnail-renderer.js';

const RECORDING_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** A stored segment is never rewritten (its name carries its sequence number): its pictures keep. */
const RECORDING_MAX_AGE_SECONDS = 86_400;
/** Far above any segment the packager writes (seconds of video); a bigger object is not read into memory. */
const MAX_SEGMENT_BYTES = 64 * 1024 * 1024;

/**
 * A recording's frame at a time offset: the stored segment holding it and its init segment, read from the
 * object store once a decoder is free, decoded up to the offset. The same rules as the recording's VOD
 * playback: any existing, not deleted recording; a token when its key has signed playback now.
 */
@Injectable()
export class RecordingThumbnails {
  constructor(
    private readonly repository: RecordingsRepository,
    private readonly renderer: ThumbnailRenderer,
    private readonly signer: PlaybackSigner,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
  ) {}

  async find(id: string, ask: ThumbnailAsk & { time?: string }): Promise<ThumbnailAnswer> {
    const recording = RECORDING_ID.test(id) ? await this.repository.findPlayable(id) : undefined;
    if (!recording || recording.status === 'deleted') return { ok: false, status: 404, detail: 'not found' };
    if (recording.signedPlayback && !this.signer.verify(recording.playbackId, ask.token)) return tokenRequired;
    const width = parseWidth(ask.width);
    if (!width.ok) return { ok: false, status: 400, detail: width.reason };
    const time = parseTime(ask.time);
    if (!time.ok) return { ok: false, status: 400, detail: time.reason };
    const segments = await this.repository.segmentsOf(recording.id);
    const at = segmentAt(segments, time.value);
    if (!at) {
      const length = storedDuration(segments).toFixed(1);
      return { ok: false, status: 404, detail: `time ${time.value} s is past the end of the recording (${length} s)` };
    }
    const { segment, offset } = at;
    const key = `vod:${recording.id}:${segment.name}:${offset}:${width.value ?? 0}:${ask.format}`;
    return {
      ok: true,
      etag: pictureEtag(key),
      signed: recording.signedPlayback,
      maxAgeSeconds: RECORDING_MAX_AGE_SECONDS,
      image: () =>
        this.renderer.render(key, async () => ({
          input: {
            format: 'mp4',
            chunks: [await this.read(recording.id, segment.initName), await this.read(recording.id, segment.name)],
            seekSeconds: offset,
          },
          width: width.value,
          format: ask.format,
        })),
    };
  }

  private async read(recordingId: string, name: string): Promise<Buffer> {
    const key = recordingKey(recordingId, name);
    const info = await this.store.head(key);
    if (!info) throw new ThumbnailError('decode-failed', `${name} is not in storage`);
    if (info.size > MAX_SEGMENT_BYTES) throw new ThumbnailError('too-large', `${name} is ${info.size} bytes`);
    return this.store.get(key);
  }
}
