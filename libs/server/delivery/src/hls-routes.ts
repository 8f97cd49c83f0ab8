import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { type ByteChunks, parseBlockingRequest, parseResourceName, parseSkipRequest } from '@rapidrtmp/hls';
import { isPeerRequest } from '@rapidrtmp/server-cluster';
import { AppConfig } from '@rapidrtmp/server-config';
import { MetricsRegistry } from '@rapidrtmp/server-metrics';
import { clientAddressResolver, FastLanes, routeCorsPreflight, setHeaders } from '@rapidrtmp/server-http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { chunksLength, sliceChunks } from './byte-chunks.js';
import { parseByteRange } from './byte-range.js';
import type { HlsRequestKind } from './delivery-metrics.js';
import { HeldRequestGate } from './held-request-gate.js';
import {
  HlsFastLane,
  INSTANCE_ID,
  MEDIA_PLAYLIST_ROUTE,
  MULTIVARIANT_ROUTE,
  mediaHeaders,
  PLAYBACK_ID,
  PLAYLIST_HEADERS,
  PROBLEM_HEADERS,
  RESOURCE_ROUTE,
} from './hls-fast-lane.js';
import { HlsService } from './hls.service.js';
import { PlaybackSigner } from './playback-signer.js';
import { sendChunks } from './send-chunks.js';
import { TokenizedPlaylists } from './tokenized-playlists.js';
import { viewerKey } from './viewer-tracker.js';

type Params = { playbackId: string; instance?: string; resource?: string };
type Query = { _HLS_msn?: string; _HLS_part?: string; _HLS_skip?: string; token?: string };

/**
 * `/live/{playbackId}/index.m3u8` (multivariant) and, under `/live/{playbackId}/{instance}/`, the media
 * playlist, init segments, segments and parts, all from memory. Raw Fastify routes: this is the hot path.
 * Names are parsed against a fixed pattern and looked up in memory, so no input reaches a file path.
 * A viewer of a stream live here is mostly answered before Fastify by HlsFastLane (same bytes, headers, bounds).
 */
@Injectable()
export class HlsRoutes implements OnModuleInit {
  /** Bounds the requests held per client address and in total (HLS_MAX_BLOCKING_REQUESTS*). */
  private readonly holds: HeldRequestGate;
  /** Signed streams' playlists with the viewer's token, made once per rendering and token for the routes and the lane. */
  private readonly tokenized = new TokenizedPlaylists();

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly hls: HlsService,
    private readonly signer: PlaybackSigner,
    private readonly config: AppConfig,
    metrics: MetricsRegistry,
    private readonly lanes: FastLanes,
  ) {
    this.holds = new HeldRequestGate(config.hls, metrics);
  }

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.get<{ Params: Params; Querystring: Query }>(MULTIVARIANT_ROUTE, (req, reply) =>
      this.multivariant(req, reply),
    );
    fastify.get<{ Params: Params; Querystring: Query }>(MEDIA_PLAYLIST_ROUTE, (req, reply) =>
      this.mediaPlaylist(req, reply),
    );
    fastify.get<{ Params: Params; Querystring: Query }>(RESOURCE_ROUTE, (req, reply) => this.resource(req, reply));
    routeCorsPreflight(fastify, '/live/');
    const lane = new HlsFastLane({
      source: (playbackId, instance) => this.hls.sourceNow(playbackId, instance),
      signer: this.signer,
      tokenized: this.tokenized,
      metrics: this.hls.metrics,
      holds: this.holds,
      clientAddress: clientAddressResolver(this.config.http.trustProxy),
    });
    this.lanes.add('/live/', (request) => lane.answer(request));
  }

  private async multivariant(req: FastifyRequest<{ Params: Params; Querystring: Query }>, reply: FastifyReply) {
    const viewer = await this.viewer(req);
    if (!viewer) return this.notFound(reply, 'multivariant');
    if (!viewer.authorized) return this.problem(reply, 'multivariant', 403, 'playback token required');
    const answer = await viewer.source.multivariant();
    if (!answer.ok) return this.problem(reply, 'multivariant', answer.status, answer.detail);
    return this.playlist(reply, 'multivariant', viewer.sign('multivariant', answer.body));
  }

  private async mediaPlaylist(req: FastifyRequest<{ Params: Params; Querystring: Query }>, reply: FastifyReply) {
    const viewer = await this.viewer(req);
    if (!viewer) return this.notFound(reply, 'playlist');
    if (!viewer.authorized) return this.problem(reply, 'playlist', 403, 'playback token required');
    const directive = parseBlockingRequest(req.query._HLS_msn, req.query._HLS_part);
    if (!directive.ok) return this.problem(reply, 'playlist', 400, directive.reason);
    const skip = parseSkipRequest(req.query._HLS_skip);
    if (!skip.ok) return this.problem(reply, 'playlist', 400, skip.reason);
    const { source } = viewer;
    const answer = directive.request
      ? await this.holds.run(
          this.holder(req),
          () => source.mediaPlaylist(directive.request, skip.skip),
          () => source.mediaPlaylist(undefined, skip.skip), // past the bound: the playlist as it is now
        )
      : await source.mediaPlaylist(undefined, skip.skip);
    if (!answer.ok) return this.problem(reply, 'playlist', answer.status, answer.detail);
    return this.playlist(reply, 'playlist', viewer.sign('playlist', answer.body));
  }

  private async resource(req: FastifyRequest<{ Params: Params; Querystring: Query }>, reply: FastifyReply) {
    const resource = req.params.resource ?? '';
    const name = parseResourceName(resource);
    const viewer = name && (await this.viewer(req));
    if (!name || !viewer) return this.notFound(reply, 'other');
    const kind: HlsRequestKind = name.kind;
    if (!viewer.authorized) return this.problem(reply, kind, 403, 'playback token required');
    const { source } = viewer;
    const answer =
      name.kind === 'part'
        ? await this.holds.run(
            this.holder(req),
            () => source.resource(resource),
            () => source.resource(resource, { hold: false }),
          )
        : await source.resource(resource);
    if (!answer.ok) return this.problem(reply, kind, answer.status, answer.detail);
    const chunks = answer.body;
    const size = chunksLength(chunks);
    const etag = `"${req.params.instance}-${resource}"`;
    setHeaders(reply, mediaHeaders(name.kind === 'init', source.signedPlayback, etag));
    if (req.headers['if-none-match'] === etag) return this.send(reply, kind, 304);
    const range = parseByteRange(req.headers.range, size);
    if (range.kind === 'unsatisfiable') {
      reply.header('content-range', `bytes */${size}`);
      return this.problem(reply, kind, 416, 'range not satisfiable');
    }
    if (range.kind === 'partial') {
      reply.header('content-range', `bytes ${range.start}-${range.end}/${size}`);
      return this.sendChunks(reply, kind, 206, sliceChunks(chunks, range.start, range.end));
    }
    return this.sendChunks(reply, kind, 200, chunks);
  }

  /**
   * Who is asking and from where the answer comes. Another node (CLUSTER_SECRET) gets this node's own
   * stream as it is: no token needed or added, not a viewer, never passed on to a third node. A viewer
   * needs a valid token for a signed stream, is counted, and gets URIs carrying that token.
   */
  private async viewer(req: FastifyRequest<{ Params: Params; Querystring: Query }>) {
    const { playbackId, instance } = req.params;
    if (!PLAYBACK_ID.test(playbackId) || (instance !== undefined && !INSTANCE_ID.test(instance))) return undefined;
    const peer = isPeerRequest(req.headers, this.config.cluster.secret);
    const source = await this.hls.source(playbackId, instance, { localOnly: peer });
    if (!source) return undefined;
    const token = req.query.token;
    if (peer) return { source, authorized: true, sign: asIs };
    if (!source.signedPlayback) {
      source.touchViewer(clientOf(req));
      return { source, authorized: true, sign: asIs };
    }
    // verify() refuses a missing token; `sign` is used only when authorized.
    if (token === undefined || !this.signer.verify(playbackId, token)) {
      return { source, authorized: false, sign: asIs };
    }
    source.touchViewer(clientOf(req));
    const sign: SignPlaylist = (kind, body) => this.tokenized.bytes(kind, body, token);
    return { source, authorized: true, sign };
  }

  /** Whose bound a held request counts against: the client address; none for another node of the cluster. */
  private holder(req: FastifyRequest): string | undefined {
    return isPeerRequest(req.headers, this.config.cluster.secret) ? undefined : req.ip;
  }

  private playlist(reply: FastifyReply, kind: HlsRequestKind, body: string | Buffer) {
    setHeaders(reply, PLAYLIST_HEADERS);
    return this.send(reply, kind, 200, body);
  }

  private notFound(reply: FastifyReply, kind: HlsRequestKind) {
    return this.problem(reply, kind, 404, 'not found');
  }

  private problem(reply: FastifyReply, kind: HlsRequestKind, status: number, detail: string) {
    setHeaders(reply, PROBLEM_HEADERS);
    return this.send(reply, kind, status, `${detail}\n`);
  }

  /** Media bytes as held (a segment is its parts' buffers): written in order, never joined into a copy. */
  private sendChunks(reply: FastifyReply, kind: HlsRequestKind, status: number, chunks: ByteChunks) {
    const length = chunksLength(chunks);
    this.hls.metrics.requests.labels(kind, String(status)).inc();
    this.hls.metrics.bytesOut.inc(length);
    return sendChunks(reply, status, chunks, length);
  }

  private send(reply: FastifyReply, kind: HlsRequestKind, status: number, body?: Buffer | string) {
    this.hls.metrics.requests.labels(kind, String(status)).inc();
    if (body !== undefined && status < 300)
      this.hls.metrics.bytesOut.inc(typeof body === 'string' ? Buffer.byteLength(body) : body.length);
    return reply.code(status).send(body);
  }
}

/** A playlist as the viewer gets it: with their token on every URI for a signed stream (shared with the lane). */
type SignPlaylist = (kind: 'multivariant' | 'playlist', body: string) => string | Buffer;
const asIs: SignPlaylist = (_kind, body) => body;

function clientOf(req: FastifyRequest): string {
  return viewerKey(req.ip, req.headers['user-agent']);
}
