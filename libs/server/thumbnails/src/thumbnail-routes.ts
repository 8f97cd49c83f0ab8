import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { isPeerRequest } from '@rapidrtmp/server-cluster';
import { AppConfig } from '@rapidrtmp/server-config';
import { cors } from '@rapidrtmp/server-http';
import { ROOT_LOGGER, type Logger } from '@rapidrtmp/server-logging';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ImageFormat } from './ffmpeg-decoder.js';
import { LiveThumbnails } from './live-thumbnails.js';
import { RecordingThumbnails } from './recording-thumbnails.js';
import type { ThumbnailAnswer, ThumbnailAsk } from './thumbnail-answer.js';
import { ThumbnailError } from './thumbnail-error.js';
import { pictureEtag, ThumbnailRenderer } from './thumbnail-renderer.js';

const PLAYBACK_ID = /^[a-z0-9]{1,32}$/;
const FORMATS: Array<{ extension: string; format: ImageFormat; contentType: string }> = [
  { extension: 'jpg', format: 'jpeg', contentType: 'image/jpeg' },
  { extension: 'webp', format: 'webp', contentType: 'image/webp' },
];
/** Load is brief (a decode is a fraction of a second): clients should come back soon. */
const RETRY_AFTER_SECONDS = '1';

type Query = { width?: string; token?: string; time?: string };
type Source = 'live' | 'vod';

/**
 * `GET /live/{playbackId}/thumbnail.jpg|.webp?width=&token=` (the latest keyframe) and
 * `GET /vod/{recordingId}/thumbnail.jpg|.webp?time=&width=&token=` (a recording's frame). Raw Fastify
 * routes beside HLS and VOD (static last segments, so they never match `index.m3u8`, `{instance}/…` or
 * `{name}`); the CORS preflight for `/live/*` and `/vod/*` is already answered there.
 */
@Injectable()
export class ThumbnailRoutes implements OnModuleInit {
  private readonly log: Logger;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly live: LiveThumbnails,
    private readonly recordings: RecordingThumbnails,
    private readonly renderer: ThumbnailRenderer,
    private readonly config: AppConfig,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ module: 'thumbnails' });
  }

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    for (const { extension, format, contentType } of FORMATS) {
      fastify.get<{ Params: { playbackId: string }; Querystring: Query }>(
        `/live/:playbackId/thumbnail.${extension}`,
        async (req, reply) => {
          const { playbackId } = req.params;
          const answer = PLAYBACK_ID.test(playbackId)
            ? await this.live.find(playbackId, this.ask(req, format))
            : ({ ok: false, status: 404, detail: 'not found' } as const);
          return this.send(req, reply, 'live', answer, contentType);
        },
      );
      fastify.get<{ Params: { id: string }; Querystring: Query }>(
        `/vod/:id/thumbnail.${extension}`,
        async (req, reply) => {
          const answer = await this.recordings.find(req.params.id, { ...this.ask(req, format), time: req.query.time });
          return this.send(req, reply, 'vod', answer, contentType);
        },
      );
    }
  }

  private ask(req: FastifyRequest<{ Querystring: Query }>, format: ImageFormat): ThumbnailAsk {
    const { width, token } = req.query;
    return { format, width, token, peer: isPeerRequest(req.headers, this.config.cluster.secret) };
  }

  private async send(
    req: FastifyRequest,
    reply: FastifyReply,
    source: Source,
    answer: ThumbnailAnswer,
    contentType: string,
  ) {
    if (!answer.ok) return this.problem(reply, source, answer.status, answer.detail);
    cors(reply).header('cache-control', `${answer.signed ? 'private' : 'public'}, max-age=${answer.maxAgeSeconds}`);
    if (answer.etag !== undefined && req.headers['if-none-match'] === answer.etag) {
      return this.reply(reply.header('etag', answer.etag), source, 304);
    }
    let image: Buffer;
    try {
      image = await answer.image();
    } catch (error) {
      return this.failed(reply, source, error);
    }
    const etag = answer.etag ?? pictureEtag(image);
    reply.header('etag', etag);
    if (req.headers['if-none-match'] === etag) return this.reply(reply, source, 304);
    return this.reply(reply.header('content-type', contentType), source, 200, image);
  }

  private failed(reply: FastifyReply, source: Source, error: unknown) {
    if (!(error instanceof ThumbnailError)) {
      this.log.error({ err: error }, 'thumbnail failed');
      return this.problem(reply, source, 500, 'the picture could not be made');
    }
    switch (error.code) {
      case 'busy':
      case 'timeout':
        return this.problem(reply, source, 503, `thumbnails are busy (${error.message}); try again`);
      case 'unsupported':
        return this.problem(reply, source, 415, error.message);
      case 'decode-failed':
      case 'too-large':
        this.log.warn({ code: error.code, reason: error.message }, 'thumbnail decode failed');
        return this.problem(reply, source, 500, 'the picture could not be decoded');
    }
  }

  private problem(reply: FastifyReply, source: Source, status: number, detail: string) {
    cors(reply).header('cache-control', 'no-store').header('content-type', 'text/plain; charset=utf-8');
    reply.removeHeader('etag');
    if (status === 503) reply.header('retry-after', RETRY_AFTER_SECONDS);
    return this.reply(reply, source, status, `${detail}\n`);
  }

  private reply(reply: FastifyReply, source: Source, status: number, body?: Buffer | string) {
    this.renderer.metrics.requests.inc({ source, status: String(status) });
    return reply.code(status).send(body);
  }
}
