import type { Socket } from 'node:net';
import { RtmpClientSession } from '@rapidrtmp/rtmp';
import type { LiveStream, Subscription } from '@rapidrtmp/server-streams';
import { MediaForwarder } from './media-forwarder.js';
import { PushError } from './push-errors.js';
import type { PushTarget, PushTiming } from './push-types.js';

export interface PushConnectionListener {
  /** NetStream.Publish.Start: media flows from now on. */
  onPublishing(): void;
  /** Once; the socket is already destroyed and the stream unsubscribed. Not called after `close()`. */
  onFailure(error: unknown): void;
  onBytes(count: number): void;
  onDropped(count: number): void;
}

/** How long a graceful close may take before the socket is destroyed. */
const CLOSE_GRACE_MS = 2000;
const KEEPALIVE_MS = 10_000;

/**
 * One attempt to push a live stream to a target: the RtmpClientSession on a socket, bounded in time
 * (connect + handshake + publish within `connectTimeoutMs`) and in memory. Media is subscribed only once
 * the target accepted the publish, from the latest keyframe on. When the socket cannot take more
 * (`write` returns false) the subscription pauses and queues up to `maxQueuedBytes`, then drops media to
 * the next keyframe; a socket that does not drain within `stallTimeoutMs` ends the attempt. Ingest, HLS and
 * the other targets never wait for it.
 */
export class PushConnection {
  private readonly session: RtmpClientSession;
  private subscription: Subscription | undefined;
  private paused = false;
  private finished = false;
  private droppedReported = 0;
  private deadline: NodeJS.Timeout | undefined;
  private stallTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly socket: Socket,
    readyEvent: 'connect' | 'secureConnect',
    target: PushTarget,
    private readonly stream: LiveStream,
    private readonly timing: PushTiming,
    private readonly listener: PushConnectionListener,
  ) {
    this.session = new RtmpClientSession(
      {
        send: (bytes) => this.write(bytes),
        onPublishing: () => this.publishing(),
        onError: (error) => this.fail(error),
        onClosed: () => this.fail(new PushError('closed', 'the RTMP session closed')),
      },
      {
        app: target.address.app,
        tcUrl: target.address.url,
        streamName: target.streamKey,
        outgoingChunkSize: timing.outgoingChunkSize,
      },
    );
    socket.setNoDelay(true);
    socket.setKeepAlive(true, KEEPALIVE_MS);
    socket.once(readyEvent, () => this.session.start());
    socket.on('data', (bytes: Buffer) => this.receive(bytes));
    socket.on('drain', () => this.drained());
    socket.on('error', (error) => this.fail(error));
    socket.on('close', () =>
      this.fail(new PushError('closed', `the target closed the connection (${this.describePhase()})`)),
    );
    this.deadline = setTimeout(
      () =>
        this.fail(
          new PushError(
            'timeout',
            `not publishing after ${this.timing.connectTimeoutMs / 1000} s (${this.describePhase()})`,
          ),
        ),
      timing.connectTimeoutMs,
    );
  }

  /** Bytes handed to the socket on this connection (handshake, commands, media with chunk headers). */
  get bytesSent(): number {
    return this.session.bytesSent;
  }

  /** Packets the subscription skipped that were not yet passed to `onDropped` (it is told on drain and at the end). */
  get unreportedDropped(): number {
    return (this.subscription?.droppedPackets ?? 0) - this.droppedReported;
  }

  /** Graceful: FCUnpublish + deleteStream when publishing, then the socket ends (destroyed after 2 s). */
  close(): void {
    if (this.finished) return;
    this.teardown();
    try {
      this.session.close();
    } catch {
      // a session that cannot write its goodbye is closed all the same
    }
    const socket = this.socket;
    socket.end();
    const timer = setTimeout(() => socket.destroy(), CLOSE_GRACE_MS);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
  }

  private receive(bytes: Buffer): void {
    try {
      this.session.receive(bytes);
    } catch (error) {
      this.fail(error);
    }
  }

  private write(bytes: Buffer | Buffer[]): void {
    const socket = this.socket;
    if (socket.destroyed || !socket.writable) return;
    let count = 0;
    let flowing: boolean;
    if (Array.isArray(bytes)) {
      socket.cork();
      flowing = true;
      for (const part of bytes) {
        count += part.length;
        flowing = socket.write(part);
      }
      socket.uncork();
    } else {
      count = bytes.length;
      flowing = socket.write(bytes);
    }
    this.listener.onBytes(count);
    if (!flowing) this.pause();
  }

  private publishing(): void {
    clearTimeout(this.deadline);
    this.listener.onPublishing();
    if (this.finished) return;
    const forwarder = new MediaForwarder(this.session, this.stream, (error) => queueMicrotask(() => this.fail(error)));
    forwarder.start();
    // The configs and the packets since the latest keyframe arrive inside subscribe(): a pause they cause is
    // applied once the subscription exists (no drain can come before this returns).
    this.subscription = this.stream.subscribe(forwarder, {
      fromKeyframe: true,
      maxQueuedBytes: this.timing.maxQueuedBytes,
    });
    if (this.paused) this.subscription.pause();
  }

  private pause(): void {
    if (this.paused) return;
    this.paused = true;
    this.subscription?.pause();
    this.stallTimer = setTimeout(
      () =>
        this.fail(
          new PushError(
            'stalled',
            `the target stopped reading (nothing taken for ${this.timing.stallTimeoutMs / 1000} s)`,
          ),
        ),
      this.timing.stallTimeoutMs,
    );
  }

  private drained(): void {
    if (!this.paused || this.finished) return;
    this.paused = false;
    clearTimeout(this.stallTimer);
    this.subscription?.resume();
    this.reportDropped();
  }

  private fail(error: unknown): void {
    if (this.finished) return;
    this.teardown();
    this.socket.destroy();
    this.session.end();
    this.listener.onFailure(error);
  }

  private teardown(): void {
    this.finished = true;
    clearTimeout(this.deadline);
    clearTimeout(this.stallTimer);
    this.subscription?.unsubscribe();
    this.reportDropped();
  }

  private reportDropped(): void {
    const dropped = this.subscription?.droppedPackets ?? 0;
    if (dropped > this.droppedReported) {
      this.listener.onDropped(dropped - this.droppedReported);
      this.droppedReported = dropped;
    }
  }

  private describePhase(): string {
    const phase = this.session.phase;
    return phase === 'idle' ? 'connecting' : phase;
  }
}
