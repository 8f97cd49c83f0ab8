import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { parseResourceName } from '@rapidrtmp/hls';
import { PlaybackSigner, parseByteRange } from '@rapidrtmp/server-delivery';
import { cors, routeCorsPreflight } from '@rapidrtmp/server-http';
import { OBJECT_STORE, type ObjectStore } from '@rapidrtmp/server-storage';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { recordingKey } from './recorder.service.js';
import { RecordingsRepository } from './recordings.repository.js';
import { renderVodPlaylist } from './vod-playlist.js';

type Params = { id: string; name?: string };
type Query = { token?: string };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** `/vod/{recordingId}/index.m3u8` and its init segments and segments, from the object store. */
@Injectable()
export class VodRoutes implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly repository: RecordingsRepository,
    private readonly signer: PlaybackSigner,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.get<{ Params: Params; Querystring: Query }>('/vod/:id/index.m3u8', (req, reply) =>
      this.playlist(req, reply),
    );
    fastify.get<{ Params: Params; Querystring: Query }>('/vod/:id/:name', (req, reply) => this.resource(req, reply));
    routeCorsPreflight(fastify, '/vod/');
  }

  private async playlist(req: FastifyRequest<{ Params: Params; Querystring: Query }>, reply: FastifyReply) {
    const recording = await this.find(req.params.id);
    if (!recording) return this.fail(reply, 404, 'not found');
    const token = req.query.token;
    // verify() refuses a missing token.
    if (recording.signedPlayback && (token === undefined || !this.signer.verify(recording.playbackId, token)))
      return this.fail(reply, 403, 'playback token required');
    const query = recording.signedPlayback && token !== undefined ? `?token=${encodeURIComponent(token)}` : '';
    const body = renderVodPlaylist(await this.repository.segmentsOf(recording.id), query);
    return cors(reply)
      .header('content-type', 'application/vnd.apple.mpegurl')
      .header('cache-control', recording.status === 'recording' ? 'no-cache' : `${cacheScope(recording)}, max-age=60`)
      .send(body);
  }

  private async resource(req: FastifyRequest<{ Params: Params; Querystring: Query }>, reply: FastifyReply) {
    const name = req.params.name ?? '';
    const parsed = parseResourceName(name);
    if (!parsed || parsed.kind === 'part') return this.fail(reply, 404, 'not found');
    const recording = await this.find(req.params.id);
    if (!recording) return this.fail(reply, 404, 'not found');
    if (recording.signedPlayback && !this.signer.verify(recording.playbackId, req.query.token))
      return this.fail(reply, 403, 'playback token required');
    const key = recordingKey(recording.id, name);
    const info = await this.store.head(key).catch(() => undefined);
    if (!info) return this.fail(reply, 404, 'not found');
    const etag = `"${info.etag.replace(/"/g, '')}"`;
    cors(reply)
      .header('content-type', parsed.kind === 'init' ? 'video/mp4' : 'video/iso.segment')
      .header('cache-control', `${cacheScope(recording)}, max-age=31536000, immutable`)
      .header('etag', etag)
      .header('accept-ranges', 'bytes');
    if (req.headers['if-none-match'] === etag) return reply.code(304).send();
    const range = parseByteRange(req.headers.range, info.size);
    if (range.kind === 'unsatisfiable') return reply.code(416).header('content-range', `bytes */${info.size}`).send();
    if (range.kind === 'partial') {
      const body = await this.store.createReadStream(key, { start: range.start, end: range.end });
      return reply
        .code(206)
        .header('content-range', `bytes ${range.start}-${range.end}/${info.size}`)
        .header('content-length', String(range.end - range.start + 1))
        .send(body);
    }
    return reply.header('content-length', String(info.size)).send(await this.store.createReadStream(key));
  }

  private async find(id: string) {
    if (!UUID.test(id)) return undefined;
    const recording = await this.repository.findPlayable(id);
    return recording && recording.status !== 'deleted' ? recording : undefined;
  }

  private fail(reply: FastifyReply, status: number, detail: string) {
    return cors(reply)
      .code(status)
      .header('cache-control', 'no-store')
      .header('content-type', 'text/plain; charset=utf-8')
      .send(`${detail}\n`);
  }
}

/**
 * Who may keep a recording's objects: anyone for open playback; only the viewer's browser when playback is
 * signed, so a shared cache (a CDN, which may key without the token) never serves them past the signature.
 */
function cacheScope(recording: { signedPlayback: boolean }): 'public' | 'private' {
  return recording.signedPlayback ? 'private' : 'public';
}
