import { Injectable } from '@nestjs/common';
import { PlaybackSigner } from '@rapidrtmp/server-delivery';
import { pinMedia } from '@rapidrtmp/media-core';
import { LiveStreamRegistry } from '@rapidrtmp/server-streams';
import { EdgeThumbnails } from './edge-thumbnails.js';
import { keyframeInput } from './keyframe-input.js';
import { LIVE_MAX_AGE_SECONDS, type ThumbnailAnswer, type ThumbnailAsk, tokenRequired } from './thumbnail-answer.js';
import { parseWidth } from './thumbnail-query.js';
import { pictureEtag, ThumbnailRenderer } from './thumbnail-renderer.js';

/**
 * The latest keyframe of a live stream as a picture. A stream on this node is decoded here (the keyframe
 * and its sequence header are in memory: `LiveStream.keyframeWindow`); one on another node is fetched
 * from that node (EdgeThumbnails), as HLS is.
 */
@Injectable()
export class LiveThumbnails {
  constructor(
    private readonly registry: LiveStreamRegistry,
    private readonly renderer: ThumbnailRenderer,
    private readonly signer: PlaybackSigner,
    private readonly edge: EdgeThumbnails,
  ) {}

  find(playbackId: string, ask: ThumbnailAsk): ThumbnailAnswer | Promise<ThumbnailAnswer> {
    const stream = this.registry.byPlaybackId(playbackId);
    if (!stream || stream.ended) {
      return ask.peer ? { ok: false, status: 404, detail: 'not live here' } : this.edge.find(playbackId, ask);
    }
    const signed = stream.info.signedPlayback;
    if (signed && !ask.peer && !this.signer.verify(playbackId, ask.token)) return tokenRequired;
    // Taken together, now: the window is cleared when the sequence header changes, so they belong together.
    const config = stream.tracks.video;
    const keyframe = stream.keyframeWindow.keyframe;
    const width = parseWidth(ask.width, config?.width);
    if (!width.ok) return { ok: false, status: 400, detail: width.reason };
    if (!config) return { ok: false, status: 404, detail: 'the stream has no video' };
    if (!keyframe) return { ok: false, status: 404, detail: 'no keyframe yet: try again in a moment' };
    // Rendered later, after the window may have moved on: its slab is never recycled (see MediaArena).
    pinMedia(keyframe.payload);
    const key = `live:${stream.info.id}:${keyframe.dts}:${width.value ?? 0}:${ask.format}`;
    return {
      ok: true,
      etag: pictureEtag(key),
      signed,
      maxAgeSeconds: LIVE_MAX_AGE_SECONDS,
      image: () =>
        this.renderer.render(key, () => ({
          input: keyframeInput(config, keyframe),
          width: width.value,
          format: ask.format,
        })),
    };
  }
}
