import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { parseBlockingRequest, parseResourceName } from '@rapidrtmp/hls';
import { cors, routeCorsPreflight } from '@rapidrtmp/server-http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseByteRange } from './byte-range.js';
import type { HlsRequestKind } from './delivery-metrics.js';
import type { HlsStream } from './hls-stream.js';
import { HlsService } from './hls.service.js';
import { PlaybackSigner } from './playback-signer.js';
import { withToken } from './playback-token.js';

const PLAYLIST_TYPE = 'application/vnd.apple.mpegurl';
const PLAYBACK_ID = /^[a-z0-9]{1,32}$/;
const INSTANCE_ID = /^[a-f0-9]{1,16}$/;
/** A player that asks before the first segment exists is held this long rather than sent a 404. */
const FIRST_SEGMENT_WAIT_MS = 8_000;

type Params = { playbackId: string; instance?: string; resource?: string };
type Query = { _HLS_msn?: string; _HLS_part?: string; token?: string };

/**
 * `/live/{playbackId}/index.m3u8` (multivariant) and, under `/live/{playbackId}/{instance}/`, the media
 * playlist, init segments, segments and parts, all from memory. Raw Fastify routes: this is the hot path.
 * Names are parsed against a fixed pattern and looked up in memory, so no input reaches a file path.
 */
@Injectable()
export class HlsRoutes implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly hls: HlsService,
    private readonly signer: PlaybackSigner,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.get<{ Params: Params; Querystring: Query }>('/live/:playbackId/index.m3u8', (req, reply) =>
      this.multivariant(req, reply),
    );
    fastify.get<{ Params: Params; Querystring: Query }>('/live/:playbackId/:instance/media.m3u8', (req, reply) =>
      this.mediaPlaylist(req, reply),
    );
    fastify.get<{ Params: Params; Querystring: Query }>('/live/:playbackId/:instance/:resource', (req, reply) =>
      this.resource(req, reply),
    );
    routeCorsPreflight(fastify, '/live/');
  }

  private async multivariant(req: FastifyRequest<{ Params: Params; Querystring: Query }>, reply: FastifyReply) {
    const stream = this.lookup(req.params.playbackId);
    if (!stream) return this.notFound(reply, 'multivariant');
    if (!this.authorized(stream, req.query.token))
      return this.problem(reply, 'multivariant', 403, 'playback token required');
    stream.viewers.touch(clientOf(req));
    const uri = `${stream.instanceId}/media.m3u8`;
    if (!stream.packager.multivariantPlaylist(uri)) {
      await stream.waiters.wait(
        () => stream.packager.multivariantPlaylist(uri) !== undefined || stream.state === 'ended',
        FIRST_SEGMENT_WAIT_MS,
      );
    }
    const body = stream.packager.multivariantPlaylist(uri);
    if (!body) return this.notFound(reply, 'multivariant');
    return this.playlist(reply, 'multivariant', stream.signedPlayback ? withToken(body, req.query.token!) : body);
  }

  private async mediaPlaylist(req: FastifyRequest<{ Params: Params; Querystring: Query }>, reply: FastifyReply) {
    const stream = this.lookup(req.params.playbackId, req.params.instance);
    if (!stream) return this.notFound(reply, 'playlist');
    if (!this.authorized(stream, req.query.token))
      return this.problem(reply, 'playlist', 403, 'playback token required');
    stream.viewers.touch(clientOf(req));
    const directive = parseBlockingRequest(req.query._HLS_msn, req.query._HLS_part);
    if (!directive.ok) return this.problem(reply, 'playlist', 400, directive.reason);
    const window = stream.packager.window;
    if (!window.ready) {
      await stream.waiters.wait(() => window.ready || stream.state === 'ended', FIRST_SEGMENT_WAIT_MS);
      if (!window.ready) return this.notFound(reply, 'playlist');
    }
    const request = directive.request;
    if (request) {
      const decision = window.evaluateBlockingRequest(request);
      if (decision === 'bad-request')
        return this.problem(reply, 'playlist', 400, 'requested segment or part is too far ahead');
      if (decision === 'wait') {
        const started = performance.now();
        const ready = await stream.waiters.wait(
          () => window.evaluateBlockingRequest(request) !== 'wait',
          stream.blockingTimeoutMs,
        );
        this.hls.metrics.blockingWait.observe(
          { kind: 'playlist', outcome: ready ? 'ready' : 'timeout' },
          (performance.now() - started) / 1000,
        );
        if (!ready) return this.problem(reply, 'playlist', 503, 'the requested part did not appear in time');
      }
    }
    const body = stream.packager.mediaPlaylist({ lowLatency: true });
    if (!body) return this.notFound(reply, 'playlist');
    return this.playlist(reply, 'playlist', stream.signedPlayback ? withToken(body, req.query.token!) : body);
  }

  private async resource(req: FastifyRequest<{ Params: Params; Querystring: Query }>, reply: FastifyReply) {
    const name = parseResourceName(req.params.resource ?? '');
    const stream = name && this.lookup(req.params.playbackId, req.params.instance);
    if (!name || !stream) return this.notFound(reply, 'other');
    const kind: HlsRequestKind = name.kind;
    if (!this.authorized(stream, req.query.token)) return this.problem(reply, kind, 403, 'playback token required');
    stream.viewers.touch(clientOf(req));
    const window = stream.packager.window;
    if (name.kind === 'part' && window.partAvailability(name.msn, name.index) === 'pending') {
      // The preload hint names this part before it exists (RFC 8216bis 6.2.6): hold the request.
      const started = performance.now();
      const ready = await stream.waiters.wait(
        () => window.partAvailability(name.msn, name.index) !== 'pending' || stream.state === 'ended',
        stream.blockingTimeoutMs,
      );
      this.hls.metrics.blockingWait.observe(
        { kind: 'part', outcome: ready ? 'ready' : 'timeout' },
        (performance.now() - started) / 1000,
      );
    }
    // A segment that left the in-memory window is still served from storage (live DVR, late viewers).
    const body =
      window.resolve(req.params.resource!) ??
      (name.kind === 'part' ? undefined : await stream.fromArchive(req.params.resource!));
    if (!body) return this.notFound(reply, kind);
    const etag = `"${stream.instanceId}-${req.params.resource}"`;
    cors(reply)
      .header('content-type', name.kind === 'init' ? 'video/mp4' : 'video/iso.segment')
      .header('cache-control', 'public, max-age=86400, immutable')
      .header('etag', etag)
      .header('accept-ranges', 'bytes');
    if (req.headers['if-none-match'] === etag) return this.send(reply, kind, 304);
    const range = parseByteRange(req.headers.range, body.length);
    if (range.kind === 'unsatisfiable') {
      reply.header('content-range', `bytes */${body.length}`);
      return this.problem(reply, kind, 416, 'range not satisfiable');
    }
    if (range.kind === 'partial') {
      reply.header('content-range', `bytes ${range.start}-${range.end}/${body.length}`);
      return this.send(reply, kind, 206, body.subarray(range.start, range.end + 1));
    }
    return this.send(reply, kind, 200, body);
  }

  private authorized(stream: HlsStream, token: string | undefined): boolean {
    return !stream.signedPlayback || this.signer.verify(stream.playbackId, token);
  }

  private lookup(playbackId: string, instance?: string): HlsStream | undefined {
    if (!PLAYBACK_ID.test(playbackId) || (instance !== undefined && !INSTANCE_ID.test(instance))) return undefined;
    return this.hls.get(playbackId, instance);
  }

  private playlist(reply: FastifyReply, kind: HlsRequestKind, body: string) {
    cors(reply).header('content-type', PLAYLIST_TYPE).header('cache-control', 'no-cache');
    return this.send(reply, kind, 200, body);
  }

  private notFound(reply: FastifyReply, kind: HlsRequestKind) {
    return this.problem(reply, kind, 404, 'not found');
  }

  private problem(reply: FastifyReply, kind: HlsRequestKind, status: number, detail: string) {
    cors(reply).header('cache-control', 'no-store').header('content-type', 'text/plain; charset=utf-8');
    return this.send(reply, kind, status, `${detail}\n`);
  }

  private send(reply: FastifyReply, kind: HlsRequestKind, status: number, body?: Buffer | string) {
    this.hls.metrics.requests.inc({ kind, status: String(status) });
    if (body !== undefined && status < 300)
      this.hls.metrics.bytesOut.inc(typeof body === 'string' ? Buffer.byteLength(body) : body.length);
    return reply.code(status).send(body);
  }
}

function clientOf(req: FastifyRequest): string {
  return `${req.ip} ${req.headers['user-agent'] ?? ''}`;
}
