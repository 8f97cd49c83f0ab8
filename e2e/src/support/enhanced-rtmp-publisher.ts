import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { decodeAmf0, encodeAmf0, type AmfValue } from '@rapidrtmp/amf';
import {
  ChunkReader,
  ChunkWriter,
  decodeControlMessage,
  MessageType,
  setChunkSizeMessage,
  type RtmpMessage,
} from '@rapidrtmp/rtmp';

/**
 * A minimal Enhanced RTMP publisher for e2e tests. Debian's ffmpeg 5.1 cannot publish E-RTMP (FourCC
 * video tags arrived in ffmpeg 6.1), so HEVC and AV1 ingest is driven by this instead: plain handshake,
 * `connect` (announcing `fourCcList`), `releaseStream`/`FCPublish`/`createStream`/`publish` as OBS orders
 * them, then whatever tag bodies the test builds (see `@rapidrtmp/flv/testing`). Chunking and AMF come
 * from the server's own libraries; the flow and the bytes on the wire are those of RTMP 7.2.
 */

const HANDSHAKE_SIZE = 1536;
/** Chunk stream ids as OBS uses them: commands on 3, audio 4, video 6, data 5 (2 is protocol control). */
const CSID = { control: 2, command: 3, audio: 4, data: 5, video: 6 } as const;
/** Our outgoing chunk size: any size the server accepts; 4096 like OBS and ffmpeg. */
const CHUNK_SIZE = 4096;

export interface ReceivedCommand {
  name: string;
  transactionId: number;
  values: AmfValue[];
}

export interface PublishOptions {
  port: number;
  host?: string;
  app?: string;
  /** What `publish` carries: the stream key for `rtmp://host/live/<key>`. */
  streamName: string;
  /** E-RTMP `connect` property: the FourCCs this client may send. */
  fourCcList?: string[];
  timeoutMs?: number;
  /** Our Set Chunk Size (default 4096); a small one makes every media message many type-3 chunks. */
  chunkSize?: number;
}

export class EnhancedRtmpPublisher {
  /** Every command the server sent, in order (`_result`, `onStatus`, ...). */
  readonly commands: ReceivedCommand[] = [];
  private readonly reader = new ChunkReader();
  private readonly writer = new ChunkWriter();
  private handshakeBytes = Buffer.alloc(0);
  private handshakeDone = false;
  private waiters: Array<() => void> = [];
  private closed = false;
  /** Resolves when the socket closed, whoever closed it. */
  readonly closedAt: Promise<void>;
  private failure: Error | undefined;
  private streamId = 0;

  /** @param socket public for tests that misbehave on purpose (stop reading, flood). */
  private constructor(readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error) => (this.failure ??= error));
    this.closedAt = new Promise((resolve) =>
      socket.on('close', () => {
        this.closed = true;
        this.wake();
        resolve();
      }),
    );
  }

  /** Connects, handshakes and publishes; resolves once the server answered NetStream.Publish.Start. */
  static async publish(options: PublishOptions): Promise<EnhancedRtmpPublisher> {
    const host = options.host ?? '127.0.0.1';
    const app = options.app ?? 'live';
    const timeoutMs = options.timeoutMs ?? 10_000;
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = connect({ host, port: options.port }, () => resolve(s));
      s.once('error', reject);
    });
    const publisher = new EnhancedRtmpPublisher(socket);
    try {
      await publisher.handshake(timeoutMs);
      const chunkSize = options.chunkSize ?? CHUNK_SIZE;
      publisher.sendMessage(setChunkSizeMessage(chunkSize));
      publisher.writer.setChunkSize(chunkSize);
      publisher.command(0, 'connect', 1, {
        app,
        type: 'nonprivate',
        flashVer: 'FMLE/3.0 (compatible; RapidRTMP e2e E-RTMP)',
        tcUrl: `rtmp://${host}:${options.port}/${app}`,
        fourCcList: options.fourCcList ?? ['hvc1', 'av01'],
      });
      await publisher.expectResult(1, 'connect', timeoutMs);
      publisher.command(0, 'releaseStream', 2, null, options.streamName);
      publisher.command(0, 'FCPublish', 3, null, options.streamName);
      publisher.command(0, 'createStream', 4, null);
      const created = await publisher.expectResult(4, 'createStream', timeoutMs);
      const streamId = created.values[3];
      if (typeof streamId !== 'number') throw new Error(`createStream answered ${JSON.stringify(created.values)}`);
      publisher.streamId = streamId;
      publisher.command(streamId, 'publish', 5, null, options.streamName, 'live');
      const status = await publisher.waitForCommand(
        'onStatus for publish',
        (c) => c.name === 'onStatus' && c.values.length >= 4,
        timeoutMs,
      );
      const code = statusCode(status);
      if (code !== 'NetStream.Publish.Start') throw new Error(`publish refused: ${code}`);
      return publisher;
    } catch (error) {
      socket.destroy();
      throw error;
    }
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** One video message (FLV VIDEODATA body, e.g. from `exVideoTag`) at `timestamp` ms. */
  sendVideo(timestamp: number, body: Buffer): void {
    this.sendMessage({
      chunkStreamId: CSID.video,
      typeId: MessageType.Video,
      messageStreamId: this.streamId,
      timestamp,
      payload: body,
    });
  }

  /** One audio message (FLV AUDIODATA body) at `timestamp` ms. */
  sendAudio(timestamp: number, body: Buffer): void {
    this.sendMessage({
      chunkStreamId: CSID.audio,
      typeId: MessageType.Audio,
      messageStreamId: this.streamId,
      timestamp,
      payload: body,
    });
  }

  /** `@setDataFrame onMetaData {...}`, as OBS sends it. */
  sendMetadata(metadata: Record<string, AmfValue>): void {
    this.sendMessage({
      chunkStreamId: CSID.data,
      typeId: MessageType.DataAmf0,
      messageStreamId: this.streamId,
      timestamp: 0,
      payload: encodeAmf0('@setDataFrame', 'onMetaData', metadata),
    });
  }

  /** Ends the publish the way OBS does (FCUnpublish, deleteStream), then closes the socket. */
  async unpublish(): Promise<void> {
    if (!this.closed) {
      this.command(0, 'FCUnpublish', 6, null, '');
      this.command(0, 'deleteStream', 7, null, this.streamId);
      await new Promise<void>((resolve) => this.socket.end(resolve));
    }
    this.socket.destroy();
  }

  destroy(): void {
    this.socket.destroy();
  }

  /** Resolves once the socket's write buffer is flushed to the kernel (pacing stays honest). */
  drained(): Promise<void> {
    if (this.socket.writableLength === 0 || this.closed) return Promise.resolve();
    return new Promise((resolve) => this.socket.once('drain', () => resolve()));
  }

  private async handshake(timeoutMs: number): Promise<void> {
    // Plain handshake (RTMP 5.2.2): C1 = time, zero, 1528 random bytes; C2 echoes S1.
    const c1 = Buffer.concat([Buffer.alloc(8), randomBytes(HANDSHAKE_SIZE - 8)]);
    this.socket.write(Buffer.concat([Buffer.from([3]), c1]));
    await this.waitUntil('S0+S1+S2', () => this.handshakeBytes.length >= 1 + 2 * HANDSHAKE_SIZE, timeoutMs);
    if (this.handshakeBytes[0] !== 3) throw new Error(`server answered version ${this.handshakeBytes[0]}`);
    const s1 = this.handshakeBytes.subarray(1, 1 + HANDSHAKE_SIZE);
    const rest = this.handshakeBytes.subarray(1 + 2 * HANDSHAKE_SIZE);
    this.handshakeDone = true;
    this.socket.write(Buffer.from(s1));
    if (rest.length > 0) this.readChunks(rest);
  }

  private onData(chunk: Buffer): void {
    if (!this.handshakeDone) this.handshakeBytes = Buffer.concat([this.handshakeBytes, chunk]);
    else this.readChunks(chunk);
    this.wake();
  }

  private readChunks(bytes: Buffer): void {
    try {
      for (const message of this.reader.push(bytes)) {
        const control = decodeControlMessage(message.typeId, message.payload);
        if (control?.type === 'set-chunk-size') this.reader.setChunkSize(control.chunkSize);
        if (message.typeId === MessageType.CommandAmf0) {
          const values = decodeAmf0(message.payload);
          const name = typeof values[0] === 'string' ? values[0] : ''; // RTMP 7.1.1: the command name, a string
          this.commands.push({ name, transactionId: Number(values[1]), values });
        }
      }
    } catch (error) {
      this.failure = error as Error;
      this.socket.destroy();
    }
  }

  private sendMessage(message: RtmpMessage): void {
    if (!this.socket.destroyed) this.socket.write(this.writer.write(message));
  }

  private command(streamId: number, name: string, transactionId: number, ...args: AmfValue[]): void {
    this.sendMessage({
      chunkStreamId: CSID.command,
      typeId: MessageType.CommandAmf0,
      messageStreamId: streamId,
      timestamp: 0,
      payload: encodeAmf0(name, transactionId, ...args),
    });
  }

  private async expectResult(transactionId: number, what: string, timeoutMs: number): Promise<ReceivedCommand> {
    const answer = await this.waitForCommand(
      `the answer to ${what}`,
      (c) => (c.name === '_result' || c.name === '_error') && c.transactionId === transactionId,
      timeoutMs,
    );
    if (answer.name === '_error') throw new Error(`${what} failed: ${JSON.stringify(answer.values)}`);
    return answer;
  }

  private async waitForCommand(
    what: string,
    match: (command: ReceivedCommand) => boolean,
    timeoutMs: number,
  ): Promise<ReceivedCommand> {
    let found: ReceivedCommand | undefined;
    await this.waitUntil(what, () => (found = this.commands.find(match)) !== undefined, timeoutMs);
    return found!;
  }

  private async waitUntil(what: string, done: () => boolean, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (this.failure) throw new Error(`${what}: ${this.failure.message}`);
      if (this.closed) throw new Error(`${what}: the server closed the connection`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${what}: nothing within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

/** The `code` of an onStatus info object (`onStatus, 0, null, {level, code, description}`). */
function statusCode(command: ReceivedCommand): string {
  const info = command.values[3];
  return info && typeof info === 'object' && 'code' in info ? String((info as { code: unknown }).code) : '?';
}

/**
 * Sends `tags` (already-built video tag bodies) over and over at `fps`, paced against the wall clock like
 * a live encoder, for `seconds`. Timestamps run on without a jump across loops. Returns the frames sent.
 */
export async function streamVideoLoop(
  publisher: EnhancedRtmpPublisher,
  tags: Buffer[],
  options: { fps: number; seconds: number; firstTimestamp?: number },
): Promise<number> {
  const frameMs = 1000 / options.fps;
  const total = Math.round(options.seconds * options.fps);
  const started = Date.now();
  const first = options.firstTimestamp ?? 0;
  for (let i = 0; i < total; i++) {
    if (publisher.isClosed) throw new Error(`the server closed the connection after ${i} frames`);
    publisher.sendVideo(first + Math.round(i * frameMs), tags[i % tags.length]!);
    const due = started + (i + 1) * frameMs;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    await publisher.drained();
  }
  return total;
}
