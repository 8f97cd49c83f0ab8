import type { Socket } from 'node:net';
import type { AmfObject } from '@rapidrtmp/amf';
import { FlvDemuxer, type FlvDemuxEvent } from '@rapidrtmp/flv';
import { MediaFormatError } from '@rapidrtmp/media-core';
import {
  RtmpServerSession,
  type RtmpMediaMessage,
  type RtmpPublishRequest,
  type RtmpUnpublishReason,
} from '@rapidrtmp/rtmp';
import type { RtmpLimits } from '@rapidrtmp/server-config';
import type { Logger } from '@rapidrtmp/server-logging';
import type { EndReason } from '@rapidrtmp/server-persistence';
import type { LiveStream } from '@rapidrtmp/server-streams';
import { flvDemuxerEvents, type IngestMetrics, type RejectReason } from './ingest-metrics.js';

/** Outgoing bytes a peer may leave unread before it counts as a stuck reader. */
const MAX_UNREAD_OUTGOING_BYTES = 1024 * 1024;

/** What a connection needs from the ingest service to go live. */
export interface PublishGate {
  /** Authorizes and registers the stream, or says why not. */
  open(request: PublishAttempt): Promise<{ stream: LiveStream } | { refused: RejectReason; description: string }>;
  /** The publisher is gone: close the session row, unregister, tell subscribers. */
  close(stream: LiveStream, reason: EndReason, stoppedBy: string | null, gracefully: boolean): void;
}

export interface PublishAttempt {
  app: string;
  streamName: string;
  query: Record<string, string>;
  remoteAddress: string;
  /** Asks the connection to disconnect (moderator stop, revocation, takeover). */
  stop: (reason: EndReason, stoppedBy: string | null) => void;
}

/**
 * Owns one TCP connection: feeds its bytes to the pure RtmpServerSession, enforces the time and size
 * limits, demuxes accepted media into the LiveStream, and tears everything down exactly once.
 */
export class RtmpConnection {
  private readonly session: RtmpServerSession;
  private readonly demuxer = new FlvDemuxer();
  private readonly log: Logger;
  private setupTimer: NodeJS.Timeout | undefined;
  private stream: LiveStream | undefined;
  private publishing = false;
  /** Set as soon as we decide to close, before the socket's 'close' event: nothing more is sent or counted. */
  private closing = false;
  private closed = false;
  private endReason: EndReason | undefined;
  private stoppedBy: string | null = null;
  private graceful = false;

  constructor(
    private readonly socket: Socket,
    private readonly limits: RtmpLimits,
    private readonly gate: PublishGate,
    private readonly metrics: IngestMetrics,
    logger: Logger,
    private readonly onClosed: () => void,
  ) {
    this.log = logger.child({ peer: this.remoteAddress });
    metrics.flvEvents.track(this, () => flvDemuxerEvents(this.demuxer.counters));
    this.session = new RtmpServerSession(
      {
        send: (bytes) => this.send(bytes),
        onPublish: (request) => this.onPublish(request),
        onMetadata: (metadata) => this.onMetadata(metadata),
        onMedia: (media) => this.onMedia(media),
        onUnpublish: (reason) => this.onUnpublish(reason),
        onProtocolError: (error) => this.reject('protocol_error', error.message),
      },
      {
        maxMessageSize: limits.maxMessageBytes,
        maxChunkStreams: limits.maxChunkStreams,
        outgoingChunkSize: limits.outgoingChunkSize,
      },
    );
    socket.setNoDelay(true);
    // Idle: no bytes either way for this long (Node resets the timer on activity, no per-packet cost).
    socket.setTimeout(limits.idleTimeoutMs, () => this.reject('idle_timeout', 'no data'));
    // Set-up: a client must get to an accepted publish in time, so half-open sockets cannot pile up.
    this.setupTimer = setTimeout(() => {
      if (!this.publishing) this.reject('handshake_timeout', 'no publish in time');
    }, limits.handshakeTimeoutMs);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error) => this.log.debug({ err: error }, 'socket error'));
    socket.on('close', () => this.teardown());
  }

  get remoteAddress(): string {
    return this.socket.remoteAddress ?? 'unknown';
  }

  /** Server-side end (shutdown, moderation): tell the publisher, then close. */
  stop(reason: EndReason, stoppedBy: string | null, description = 'Stream stopped by the server.'): void {
    if (this.closing || this.closed) return;
    this.endReason ??= reason;
    this.stoppedBy = stoppedBy;
    this.graceful = true;
    // End the stream now, not when the peer gets round to closing: history and playlists update at once.
    this.finishStream();
    this.session.stop(description);
    this.closing = true;
    this.socket.end();
    // A peer that never reads our close would hold the socket half-closed: cut it.
    setTimeout(() => this.socket.destroy(), 1000).unref();
  }

  private onData(chunk: Buffer): void {
    if (this.closing) return;
    this.metrics.bytesIn.inc(chunk.length);
    this.stream?.stats.addBytes(chunk.length);
    this.session.receive(chunk);
  }

  private send(bytes: Buffer | Buffer[]): void {
    if (this.closing || this.closed) return;
    if (Array.isArray(bytes)) for (const part of bytes) this.socket.write(part);
    else this.socket.write(bytes);
    if (this.socket.writableLength > MAX_UNREAD_OUTGOING_BYTES) this.reject('slow_reader', 'peer stopped reading');
  }

  private onPublish(request: RtmpPublishRequest): void {
    void this.gate
      .open({
        app: request.app,
        streamName: request.streamName,
        query: request.query,
        remoteAddress: this.remoteAddress,
        stop: (reason, stoppedBy) => this.stop(reason, stoppedBy),
      })
      .then((outcome) => {
        if (this.closed) {
          if ('stream' in outcome) this.gate.close(outcome.stream, 'publisher_disconnect', null, false);
          return;
        }
        if ('refused' in outcome) {
          this.metrics.rejected.inc({ reason: outcome.refused });
          this.log.warn({ reason: outcome.refused }, `publish refused: ${outcome.description}`);
          this.session.rejectPublish(request.streamId, 'NetStream.Publish.BadName', outcome.description);
          this.socket.end();
          setTimeout(() => this.socket.destroy(), 1000).unref();
          return;
        }
        this.stream = outcome.stream;
        this.publishing = true;
        clearTimeout(this.setupTimer);
        this.metrics.publishers.inc();
        this.session.acceptPublish(request.streamId);
        this.log.info(
          { streamId: outcome.stream.info.id, playbackId: outcome.stream.info.playbackId },
          'publish started',
        );
      })
      .catch((error: unknown) => {
        this.log.error({ err: error }, 'publish failed');
        this.session.rejectPublish(request.streamId, 'NetStream.Publish.Failed', 'Server error.');
        this.socket.destroy();
      });
  }

  private onMetadata(metadata: AmfObject): void {
    this.stream?.publish({ type: 'metadata', metadata: metadata as Record<string, unknown> });
  }

  private onMedia(media: RtmpMediaMessage): void {
    const stream = this.stream;
    if (!stream) return;
    let event: FlvDemuxEvent | undefined;
    try {
      event =
        media.kind === 'video'
          ? this.demuxer.pushVideo(media.timestamp, media.payload)
          : this.demuxer.pushAudio(media.timestamp, media.payload);
    } catch (error) {
      // One malformed tag is dropped and counted; the stream goes on.
      if (!(error instanceof MediaFormatError)) throw error;
      this.metrics.packetsIn.inc({ kind: 'malformed' });
      stream.stats.droppedFrames++;
      this.log.debug({ code: error.code }, 'malformed media tag dropped');
      return;
    }
    if (!event) return;
    if (event.type === 'packet') {
      (event.packet.track === 'video' ? this.metrics.videoPackets : this.metrics.audioPackets).inc();
      stream.publish(event);
    } else if (event.type === 'config') {
      this.metrics.packetsIn.inc({ kind: 'config' });
      stream.publish(event);
    }
  }

  private onUnpublish(reason: RtmpUnpublishReason): void {
    // FCUnpublish/deleteStream/closeStream: the publisher ended on purpose.
    if (reason === 'FCUnpublish' || reason === 'deleteStream' || reason === 'closeStream') {
      this.endReason ??= 'publisher_disconnect';
      this.graceful = true;
      this.finishStream();
    }
  }

  private reject(reason: RejectReason, detail: string): void {
    if (this.closing || this.closed) return;
    this.closing = true;
    // The rest of the bytes already read must not keep the session talking (or re-reporting).
    this.session.end();
    this.metrics.rejected.inc({ reason });
    this.log.warn({ reason, detail }, 'rtmp connection closed');
    this.endReason ??=
      reason === 'idle_timeout' ? 'timeout' : reason === 'protocol_error' ? 'protocol_error' : 'publisher_disconnect';
    this.socket.destroy();
  }

  private finishStream(): void {
    const stream = this.stream;
    if (!stream) return;
    this.stream = undefined;
    this.metrics.publishers.dec();
    this.gate.close(stream, this.endReason ?? 'publisher_disconnect', this.stoppedBy, this.graceful);
  }

  private teardown(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.setupTimer);
    this.session.end();
    this.finishStream();
    this.metrics.flvEvents.release(this);
    this.onClosed();
  }
}
