import type { Socket } from 'node:net';
import type { AmfObject } from '@rapidrtmp/amf';
import { FlvDemuxer, type FlvDemuxEvent } from '@rapidrtmp/flv';
import { MediaFormatError } from '@rapidrtmp/media-core';
import {
  RtmpServerSession,
  type RtmpMediaMessage,
  type RtmpPlayRequest,
  type RtmpPublishRequest,
  type RtmpUnpublishReason,
} from '@rapidrtmp/rtmp';
import type { RtmpLimits } from '@rapidrtmp/server-config';
import type { LivePlayers, PlayerEndReason } from '@rapidrtmp/server-delivery';
import type { Logger } from '@rapidrtmp/server-logging';
import {
  type ConnectionFault,
  type EndReason,
  FAULT_ENDINGS,
  type Publisher,
  type PublishRefusal,
  type StreamEnding,
} from '@rapidrtmp/server-domain';
import type { LiveStream } from '@rapidrtmp/server-streams';
import { flvDemuxerEvents, type IngestMetrics, packetKinds } from './ingest-metrics.js';
import type { ReadPacer } from './read-pacer.js';
import { RtmpPlayer } from './rtmp-player.js';
import { startReading } from './socket-reads.js';

/** The connection went away without saying goodbye: the publisher may come back (republish grace). */
const DROPPED: StreamEnding = { reason: 'publisher_disconnect', graceful: false, stoppedBy: null };

/** Outgoing bytes a peer may leave unread before it counts as a stuck reader. */
const MAX_UNREAD_OUTGOING_BYTES = 1024 * 1024;

/** What a connection needs from the ingest service to go live. */
export interface PublishGate {
  /** Authorizes and registers the stream, or says why not. */
  open(request: PublishAttempt): Promise<{ stream: LiveStream } | { refused: PublishRefusal }>;
  /** The publisher is gone: close the session row, unregister, tell subscribers. */
  close(stream: LiveStream, ending: StreamEnding): void;
}

/** What the listener learns about a connection's progress. */
export interface ConnectionHooks {
  /** The publish was accepted: the connection may no longer be shed for a newer one. */
  onAuthorized: () => void;
  /** The socket closed (once). */
  onClosed: () => void;
}

export interface PublishAttempt {
  app: string;
  streamName: string;
  query: Record<string, string>;
  remoteAddress: string;
  /** The connection: closing it stops the stream (moderator stop, revocation, takeover, shutdown). */
  publisher: Publisher;
}

/**
 * Owns one TCP connection: feeds its bytes to the pure RtmpServerSession, enforces the time and size
 * limits, demuxes accepted media into the LiveStream, and tears everything down exactly once. A connection
 * that plays instead of publishing hands its play to an RtmpPlayer.
 */
export class RtmpConnection implements Publisher {
  readonly session: RtmpServerSession;
  private readonly demuxer = new FlvDemuxer();
  /** Tags the demuxer refused as malformed (rtmp_packets_in_total{kind="malformed"}). */
  private malformedTags = 0;
  private readonly log: Logger;
  private setupTimer: NodeJS.Timeout | undefined;
  private stream: LiveStream | undefined;
  private publishing = false;
  /** Admits and runs players; without it `play` is refused. */
  private players: LivePlayers | undefined;
  private player: RtmpPlayer | undefined;
  private playing = false;
  /** Set as soon as we decide to close, before the socket's 'close' event: nothing more is sent or counted. */
  private closing = false;
  private closed = false;

  constructor(
    readonly socket: Socket,
    private readonly limits: RtmpLimits,
    private readonly gate: PublishGate,
    private readonly metrics: IngestMetrics,
    logger: Logger,
    private readonly hooks: ConnectionHooks,
    /** Paces a publisher's reads once it publishes (the set-up exchange reads as bytes arrive). */
    private readonly pacer: ReadPacer,
  ) {
    this.log = logger.child({ peer: this.remoteAddress });
    metrics.flvEvents.track(this, () => flvDemuxerEvents(this.demuxer.counters));
    metrics.packetsIn.track(this, () => packetKinds(this.demuxer.counters, this.malformedTags));
    this.session = new RtmpServerSession(
      {
        send: (bytes) => this.send(bytes),
        onPublish: (request) => this.onPublish(request),
        onMetadata: (metadata) => this.onMetadata(metadata),
        onMedia: (media) => this.onMedia(media),
        onUnpublish: (reason) => this.onUnpublish(reason),
        onPlay: (request) => this.onPlay(request),
        onPlayPause: (paused) => this.onPlayPause(paused),
        onUnplay: () => this.player?.stop('client_closed'),
        onProtocolError: (error) => this.fault('protocol_error', error.message),
      },
      {
        maxMessageSize: limits.maxMessageBytes,
        maxChunkStreams: limits.maxChunkStreams,
        outgoingChunkSize: limits.outgoingChunkSize,
      },
    );
    socket.setNoDelay(true);
    // Idle: no bytes either way for this long (Node resets the timer on activity, no per-packet cost).
    socket.setTimeout(limits.idleTimeoutMs, () => this.fault('idle_timeout', 'no data'));
    // Set-up: a client must get to an accepted publish or play in time, so half-open sockets cannot pile up.
    this.setupTimer = setTimeout(() => {
      if (!this.publishing && !this.playing) this.fault('handshake_timeout', 'no publish or play in time');
    }, limits.handshakeTimeoutMs);
    startReading(socket, (bytes) => this.onData(bytes));
    socket.on('error', (error) => this.log.debug({ err: error }, 'socket error'));
    socket.on('close', () => this.teardown());
  }

  get remoteAddress(): string {
    return this.socket.remoteAddress ?? 'unknown';
  }

  /** Server-side end (shutdown, moderation, takeover): tell the publisher, then close. */
  close(reason: EndReason, stoppedBy: string | null): void {
    if (this.closing || this.closed) return;
    // End the stream now, not when the peer gets round to closing: history and playlists update at once.
    this.finishStream({ reason, graceful: true, stoppedBy });
    this.player?.stop('server');
    this.session.stop(reason === 'server_shutdown' ? 'Server shutting down.' : 'Stream stopped by the server.');
    this.closing = true;
    this.socket.end();
    // A peer that never reads our close would hold the socket half-closed: cut it.
    setTimeout(() => this.socket.destroy(), 1000).unref();
  }

  /** One read's bytes; false holds the socket until the pacer's next tick. */
  private onData(chunk: Buffer): boolean {
    if (this.closing) return true;
    this.metrics.bytesIn.inc(chunk.length);
    this.stream?.stats.addBytes(chunk.length);
    this.session.receive(chunk);
    return !this.publishing || this.closing || this.pacer.hold(this.socket);
  }

  /** Whether `send` still writes: once closing, what is sent is dropped. */
  private get sending(): boolean {
    return !this.closing && !this.closed;
  }

  private send(bytes: Buffer | Buffer[]): void {
    if (!this.sending) return;
    if (Array.isArray(bytes)) {
      // Corked: a message's chunk headers and payload views leave in one writev, never joined into a copy.
      this.socket.cork();
      for (const part of bytes) this.socket.write(part);
      this.socket.uncork();
    } else this.socket.write(bytes);
    // A player's media has its own bounds (its LivePlayer pauses, drops to keyframes, cuts a stalled socket).
    if (!this.player && this.socket.writableLength > MAX_UNREAD_OUTGOING_BYTES) {
      this.fault('slow_reader', 'peer stopped reading');
    }
  }

  /** Lets this connection play streams (RTMP play) as well as publish one. */
  allowPlayback(players: LivePlayers): void {
    this.players = players;
  }

  private onPlay(request: RtmpPlayRequest): void {
    const players = this.players;
    if (!players) {
      this.session.rejectPlay(request.streamId, 'NetStream.Play.Failed', 'Playback is not supported.');
      return;
    }
    const player = new RtmpPlayer(
      {
        session: this.session,
        socket: this.socket,
        isSending: () => this.sending,
        started: () => {
          this.playing = true;
          clearTimeout(this.setupTimer);
          this.hooks.onAuthorized();
          // While media flows the LivePlayer's stall bound watches the socket; the idle bound returns on pause.
          this.socket.setTimeout(0);
        },
        end: (reason) => this.endPlay(reason),
      },
      players,
      this.log,
    );
    this.player = player;
    player.play(request, this.session.connection?.query ?? {});
  }

  private onPlayPause(paused: boolean): void {
    this.socket.setTimeout(paused ? this.limits.idleTimeoutMs : 0);
    this.player?.paused(paused);
  }

  /** The play ended on the server's side: a stuck reader is cut at once, others are told and closed. */
  private endPlay(reason: PlayerEndReason): void {
    if (this.closing || this.closed) return;
    this.closing = true;
    if (reason === 'stalled' || reason === 'slow') {
      this.metrics.rejected.inc({ reason: 'slow_reader' });
      this.session.end();
      this.socket.destroy();
      return;
    }
    // A refused play was told why by its onStatus error already.
    if (this.player?.started) {
      this.session.stop(reason === 'stream_ended' ? 'The stream ended.' : 'Playback stopped by the server.');
    } else this.session.end();
    this.socket.end();
    setTimeout(() => this.socket.destroy(), 1000).unref();
  }

  private onPublish(request: RtmpPublishRequest): void {
    void this.gate
      .open({
        app: request.app,
        streamName: request.streamName,
        query: request.query,
        remoteAddress: this.remoteAddress,
        publisher: this,
      })
      .then((outcome) => {
        // Closed (or closing: shed, faulted, stopped) while the key was being checked: no stream.
        if (this.closed || this.closing) {
          if ('stream' in outcome) this.gate.close(outcome.stream, DROPPED);
          return;
        }
        if ('refused' in outcome) {
          const { reason, description } = outcome.refused;
          this.metrics.rejected.inc({ reason });
          this.log.warn({ reason }, `publish refused: ${description}`);
          this.session.rejectPublish(request.streamId, 'NetStream.Publish.BadName', description);
          this.socket.end();
          setTimeout(() => this.socket.destroy(), 1000).unref();
          return;
        }
        this.stream = outcome.stream;
        this.publishing = true;
        clearTimeout(this.setupTimer);
        this.hooks.onAuthorized();
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
    this.stream?.publish({ type: 'metadata', metadata });
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
      this.malformedTags++;
      stream.stats.droppedFrames++;
      this.log.debug({ code: error.code }, 'malformed media tag dropped');
      return;
    }
    if (!event) return;
    if (event.type === 'packet' || event.type === 'config') stream.publish(event);
  }

  private onUnpublish(reason: RtmpUnpublishReason): void {
    // FCUnpublish/deleteStream/closeStream: the publisher ended on purpose.
    if (reason === 'FCUnpublish' || reason === 'deleteStream' || reason === 'closeStream') {
      this.finishStream({ reason: 'publisher_disconnect', graceful: true, stoppedBy: null });
    }
  }

  /**
   * Its slot went to a newer connection (a connection cap was reached and this one was the oldest not yet
   * publishing): drop it. Counted by the listener as shed, not as a rejection of this client.
   */
  shed(): void {
    if (this.closing || this.closed) return;
    this.closing = true;
    this.session.end();
    this.socket.destroy();
  }

  /** A violation or a limit: count it, end the stream (if any) and drop the connection. */
  private fault(fault: ConnectionFault, detail: string): void {
    if (this.closing || this.closed) return;
    this.closing = true;
    this.player?.stop('server');
    // The rest of the bytes already read must not keep the session talking (or re-reporting).
    this.session.end();
    this.metrics.rejected.inc({ reason: fault });
    this.log.warn({ reason: fault, detail }, 'rtmp connection closed');
    this.finishStream({ reason: FAULT_ENDINGS[fault], graceful: false, stoppedBy: null });
    this.socket.destroy();
  }

  /** Hands the ending to the ingest side once; later calls (e.g. the socket's close) find no stream. */
  private finishStream(ending: StreamEnding): void {
    const stream = this.stream;
    if (!stream) return;
    this.stream = undefined;
    this.metrics.publishers.dec();
    this.gate.close(stream, ending);
  }

  private teardown(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.setupTimer);
    this.pacer.forget(this.socket);
    this.session.end();
    this.player?.stop('client_closed');
    this.finishStream(DROPPED);
    this.metrics.flvEvents.release(this);
    this.metrics.packetsIn.release(this);
    this.hooks.onClosed();
  }
}
