import type { ServerResponse } from 'node:http';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { FLV_TAG_TYPE, flvFileHeader, flvTag } from '@rapidrtmp/flv';
import { isPeerRequest } from '@rapidrtmp/server-cluster';
import { AppConfig } from '@rapidrtmp/server-config';
import { cors } from '@rapidrtmp/server-http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FlvTagKind, PlayerTransport } from './live-player.js';
import { LivePlayers } from './live-players.js';
import type { PlayerEndReason } from './player-metrics.js';

const FLV_FILE = /^([a-z0-9]{1,32})\.flv$/;
const TAG_TYPE = { audio: FLV_TAG_TYPE.audio, video: FLV_TAG_TYPE.video, data: FLV_TAG_TYPE.script } as const;

type Request = FastifyRequest<{ Params: { file: string }; Querystring: { token?: string } }>;

/**
 * HTTP-FLV: `GET /live/<playbackId>.flv[?token=]` streams the live stream as an endless FLV file (chunked,
 * no Content-Length), from its latest keyframe with metadata and sequence headers first, until the stream
 * ends. A raw Fastify route (the hot path); one segment under /live/, so it never meets the HLS routes
 * (`/live/<id>/index.m3u8`, `/live/<id>/<instance>/<resource>`); the CORS preflight is theirs.
 */
@Injectable()
export class FlvRoutes implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly players: LivePlayers,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.get<{ Params: { file: string }; Querystring: { token?: string } }>('/live/:file', (req, reply) =>
      this.play(req, reply),
    );
  }

  private async play(req: Request, reply: FastifyReply) {
    const name = FLV_FILE.exec(req.params.file);
    if (!name?.[1]) return this.problem(reply, 404, 'Not found.');
    const admission = await this.players.admit({
      playbackId: name[1],
      token: req.query.token,
      protocol: 'http_flv',
      // Another node relaying the stream to its players (EdgeLiveStreams): it checked their tokens.
      peer: isPeerRequest(req.headers, this.config.cluster.secret),
    });
    if (!admission.admitted) return this.problem(reply, admission.status, admission.detail);
    // The client may have left while the admission was decided: no player for a closed socket.
    if (req.raw.destroyed) return reply.hijack();
    cors(reply).header('content-type', 'video/x-flv').header('cache-control', 'no-cache, no-store');
    // Hijacked: the body is written as the stream goes (Fastify's onSend hooks do not run; headers set so far are kept).
    reply.hijack();
    const response = reply.raw;
    for (const [header, value] of Object.entries(reply.getHeaders())) {
      if (value !== undefined) response.setHeader(header, value);
    }
    response.writeHead(200);
    if (req.method === 'HEAD') return void response.end();
    response.flushHeaders();
    const player = admission.start(new HttpFlvTransport(response));
    response.once('close', () => player.stop('client_closed'));
  }

  private problem(reply: FastifyReply, status: number, detail: string) {
    return cors(reply)
      .code(status)
      .header('cache-control', 'no-store')
      .header('content-type', 'text/plain; charset=utf-8')
      .send(`${detail}\n`);
  }
}

/** FLV tags on a chunked HTTP response: each tag corked into one HTTP chunk and one write, its buffers as views. */
class HttpFlvTransport implements PlayerTransport {
  constructor(private readonly response: ServerResponse) {}

  begin(tracks: { audio: boolean; video: boolean }): void {
    this.response.write(flvFileHeader(tracks));
  }

  tag(kind: FlvTagKind, timestamp: number, body: readonly Buffer[]): number {
    const response = this.response;
    // 0 when nothing reaches the socket: the player counts what it handed over (see LivePlayer.releaseTaken).
    if (response.writableEnded || response.destroyed) return 0;
    let bytes = 0;
    response.cork();
    for (const part of flvTag(TAG_TYPE[kind], timestamp, body)) {
      response.write(part);
      bytes += part.length;
    }
    response.uncork();
    return bytes;
  }

  get bufferedBytes(): number {
    return this.response.writableLength;
  }

  get full(): boolean {
    return this.response.writableNeedDrain;
  }

  onDrain(drained: () => void): void {
    this.response.once('drain', drained);
  }

  close(reason: PlayerEndReason): void {
    // A player that stopped reading would never take the end of the response: cut it.
    if (reason === 'stalled' || reason === 'slow') this.response.destroy();
    else this.response.end();
  }
}
