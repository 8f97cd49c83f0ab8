import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '@rapidrtmp/server-config';
import { ImmutableCache } from '@rapidrtmp/server-delivery';
import { MetricsRegistry } from '@rapidrtmp/server-metrics';
import { DecoderPool, type PrepareInput } from './decoder-pool.js';
import { decodeFrame, type FrameRequest } from './ffmpeg-decoder.js';
import { createThumbnailMetrics, type ThumbnailMetrics } from './thumbnail-metrics.js';

/**
 * Pictures by identity: from memory when recently made (a byte-bounded LRU shared by all streams), else
 * decoded in the bounded pool, where concurrent requests for one picture share one decode. A picture's
 * key names everything that makes its bytes (stream session and keyframe, or recording segment and
 * offset; width; format), so a cached one is never stale: the next keyframe is a new key.
 */
@Injectable()
export class ThumbnailRenderer {
  readonly metrics: ThumbnailMetrics;
  private readonly cache: ImmutableCache;
  private readonly pool: DecoderPool<FrameRequest>;

  constructor(config: AppConfig, metrics: MetricsRegistry) {
    const settings = config.thumbnails;
    const m = createThumbnailMetrics(metrics);
    this.metrics = m;
    this.cache = new ImmutableCache(settings.cacheBytes);
    this.pool = new DecoderPool<FrameRequest>(
      {
        maxConcurrent: settings.maxDecoders,
        maxQueue: settings.maxQueue,
        timeoutMs: settings.decodeTimeoutMs,
      },
      (request, signal) => decodeFrame(settings.ffmpegPath, request, signal),
      {
        load: (running, queued) => {
          m.running.set(running);
          m.queued.set(queued);
          m.peak.set(this.pool.peakRunning);
        },
        finished: (outcome, seconds) => {
          m.decodes.inc({ result: outcome });
          m.decodeSeconds.observe(seconds);
        },
        shared: () => m.shared.inc(),
        rejected: (reason) => m.rejected.inc({ reason }),
      },
    );
  }

  async render(key: string, request: PrepareInput<FrameRequest>): Promise<Buffer> {
    const cached = this.cache.get(key);
    if (cached) {
      this.metrics.cache.inc({ outcome: 'hit' });
      return cached;
    }
    this.metrics.cache.inc({ outcome: 'miss' });
    const image = await this.pool.run(key, request);
    this.cache.set(key, image);
    return image;
  }
}

/**
 * A strong ETag naming a picture by its key (without telling it: session ids stay out of public headers),
 * or by its bytes when it was made elsewhere.
 */
export function pictureEtag(key: string | Buffer): string {
  return `"${createHash('sha256').update(key).digest('base64url').slice(0, 22)}"`;
}
