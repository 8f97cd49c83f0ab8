import { connect, type Socket } from 'node:net';
import { RtmpClientSession, type RtmpClientError, type RtmpClientOptions, type RtmpStatus } from '@rapidrtmp/rtmp';
import type { TagPublisher } from './flv-replay.js';

/**
 * The repo's RtmpClientSession on a real TCP socket: a minimal host, as the restream feature runs it
 * (it owns the socket and the deadline; the session owns the protocol). Resolves `publish` once the
 * server answered NetStream.Publish.Start, rejects with the session's RtmpClientError otherwise.
 */
export class SocketRtmpPublisher implements TagPublisher {
  readonly statuses: RtmpStatus[] = [];
  readonly session: RtmpClientSession;
  /** The session's fatal error, if any (`publish` rejects with it). */
  error: RtmpClientError | undefined;
  private closed = false;
  private readonly settled: Promise<void>;

  private constructor(
    readonly socket: Socket,
    options: RtmpClientOptions,
  ) {
    let resolve: () => void = () => undefined;
    let reject: (error: Error) => void = () => undefined;
    this.settled = new Promise<void>((ok, fail) => {
      resolve = ok;
      reject = fail;
    });
    this.session = new RtmpClientSession(
      {
        send: (bytes) => {
          if (socket.destroyed) return;
          if (!Array.isArray(bytes)) return void socket.write(bytes);
          socket.cork();
          for (const part of bytes) socket.write(part);
          socket.uncork();
        },
        onPublishing: () => resolve(),
        onStatus: (status) => this.statuses.push(status),
        onError: (error) => {
          this.error = error;
          reject(error);
          socket.end();
        },
      },
      options,
    );
    socket.setNoDelay(true);
    socket.on('data', (bytes: Buffer) => this.session.receive(bytes));
    socket.on('error', (error) => reject(error));
    socket.on('close', () => {
      this.closed = true;
      this.session.end();
      reject(new Error('the server closed the connection'));
    });
  }

  /** Connects to 127.0.0.1:`port` and publishes; bounded by `timeoutMs`. */
  static async publish(port: number, options: RtmpClientOptions, timeoutMs = 10_000): Promise<SocketRtmpPublisher> {
    const socket = connect({ host: '127.0.0.1', port });
    const publisher = new SocketRtmpPublisher(socket, options);
    socket.once('connect', () => publisher.session.start());
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`not publishing after ${timeoutMs} ms (${publisher.session.phase})`)),
        timeoutMs,
      );
    });
    try {
      await Promise.race([publisher.settled, deadline]);
      return publisher;
    } catch (error) {
      socket.destroy();
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  get isClosed(): boolean {
    return this.closed || this.session.isClosed;
  }

  sendVideo(timestamp: number, body: Buffer): void {
    this.session.sendVideo(timestamp, body);
  }

  sendAudio(timestamp: number, body: Buffer): void {
    this.session.sendAudio(timestamp, body);
  }

  sendMetadata(metadata: Record<string, unknown>): void {
    this.session.sendMetadata(metadata);
  }

  drained(): Promise<void> {
    if (this.socket.writableLength === 0 || this.isClosed) return Promise.resolve();
    return new Promise((resolve) => this.socket.once('drain', () => resolve()));
  }

  /** FCUnpublish + deleteStream, then the socket ends; resolves once it closed (destroyed after 5 s). */
  async close(): Promise<void> {
    this.session.close();
    if (this.socket.destroyed) return;
    const closed = new Promise<void>((resolve) => this.socket.once('close', () => resolve()));
    this.socket.end();
    const timer = setTimeout(() => this.socket.destroy(), 5000);
    await closed;
    clearTimeout(timer);
  }
}
