import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import type { AmfObject } from '@rapidrtmp/amf';
import { type RtmpPublishRequest, RtmpServerSession, type RtmpUnpublishReason } from '@rapidrtmp/rtmp';

/** What the target does with a publish: take it, refuse it, or take it and then stop reading the socket. */
export type TargetBehaviour = 'accept' | 'stall' | { refuse: string };

export interface RtmpTargetOptions {
  behaviour?: TargetBehaviour;
  /** Accept TCP but never answer the handshake. */
  silent?: boolean;
  /** Serve RTMPS with this certificate. */
  tls?: { key: string; cert: string };
  /** Listen on this port of 127.0.0.1 (default: a free one). */
  port?: number;
}

export interface ReceivedMedia {
  kind: 'audio' | 'video';
  timestamp: number;
  /** The first bytes of the FLV tag body (codec, frame type, packet type). */
  head: Buffer;
  size: number;
}

/**
 * An RTMP(S) server on 127.0.0.1 made of the repo's RtmpServerSession, recording what publishers send
 * (spec support for the push relay: a real socket and a real protocol peer, no mocks).
 */
export class RtmpTarget {
  readonly publishes: RtmpPublishRequest[] = [];
  readonly media: ReceivedMedia[] = [];
  readonly metadata: AmfObject[] = [];
  readonly unpublishes: RtmpUnpublishReason[] = [];
  connections = 0;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(options: RtmpTargetOptions = {}): Promise<RtmpTarget> {
    const accepted: Socket[] = [];
    let handle = (socket: Socket): void => void accepted.push(socket);
    const server = options.tls
      ? createTlsServer(options.tls, (socket) => handle(socket))
      : createTcpServer((socket) => handle(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
    const target = new RtmpTarget(server, (server.address() as { port: number }).port);
    handle = (socket) => target.accept(socket, options);
    for (const socket of accepted) handle(socket);
    return target;
  }

  /** Stops listening and drops every connection (as a crashed server would). */
  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: Socket, options: RtmpTargetOptions): void {
    this.connections++;
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    if (options.silent) return;
    const behaviour = options.behaviour ?? 'accept';
    const session: RtmpServerSession = new RtmpServerSession({
      send: (bytes) => {
        if (socket.destroyed) return;
        for (const part of Array.isArray(bytes) ? bytes : [bytes]) socket.write(part);
      },
      onPublish: (request) => {
        this.publishes.push(request);
        if (typeof behaviour === 'object')
          return void session.rejectPublish(request.streamId, 'NetStream.Publish.BadName', behaviour.refuse);
        session.acceptPublish(request.streamId);
        if (behaviour === 'stall') socket.pause();
      },
      onMetadata: (metadata) => this.metadata.push(metadata),
      onMedia: (media) =>
        this.media.push({
          kind: media.kind,
          timestamp: media.timestamp,
          head: Buffer.from(media.payload.subarray(0, 2)),
          size: media.payload.length,
        }),
      onUnpublish: (reason) => this.unpublishes.push(reason),
      onProtocolError: () => socket.destroy(),
    });
    socket.on('data', (bytes: Buffer) => session.receive(bytes));
    socket.on('close', () => session.end());
  }
}
