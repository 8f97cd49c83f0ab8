import type { Socket } from 'node:net';
import type { RtmpPlayRequest, RtmpServerSession } from '@rapidrtmp/rtmp';
import type { FlvTagKind, LivePlayer, LivePlayers, PlayerEndReason, PlayerTransport } from '@rapidrtmp/server-delivery';
import type { Logger } from '@rapidrtmp/server-logging';
import { isPublishApp } from './publish-target.js';

/** What the player role needs from its connection. */
export interface PlayerConnection {
  readonly session: RtmpServerSession;
  readonly socket: Socket;
  /** False once the connection is closing: what is sent then is dropped, not written. */
  isSending(): boolean;
  /** The play was accepted: no set-up deadline any more, and the connection counts as authorized. */
  started(): void;
  /** The player ended on the server's side (stream over, too slow): tell the client, then close. */
  end(reason: PlayerEndReason): void;
}

/**
 * The player role of an RTMP connection (`rtmp://host/live/<playbackId>[?token=]`): admits the play by
 * playback id (never a stream key) and runs a LivePlayer whose tags go out as RTMP messages on the play
 * stream, written corked (one syscall) as chunk headers and payload views.
 */
export class RtmpPlayer implements PlayerTransport {
  private player: LivePlayer | undefined;
  private stopped = false;

  constructor(
    private readonly connection: PlayerConnection,
    private readonly players: LivePlayers,
    private readonly log: Logger,
  ) {}

  /** Answers `play`: accept and start from the latest keyframe, or refuse with the reason as an onStatus error. */
  play(request: RtmpPlayRequest, connectQuery: Record<string, string>): void {
    const { session } = this.connection;
    if (!isPublishApp(request.app)) {
      session.rejectPlay(request.streamId, 'NetStream.Play.StreamNotFound', `Unknown application "${request.app}".`);
      return this.connection.end('server');
    }
    const token = request.query.token ?? connectQuery.token;
    void this.players
      .admit({ playbackId: request.streamName, token, protocol: 'rtmp' })
      .then((admission) => {
        if (this.stopped || session.isClosed) return;
        if (!admission.admitted) {
          const code = admission.status === 404 ? 'NetStream.Play.StreamNotFound' : 'NetStream.Play.Failed';
          session.rejectPlay(request.streamId, code, admission.detail);
          this.log.info({ reason: admission.reason }, 'rtmp play refused');
          return this.connection.end('server');
        }
        session.acceptPlay(request.streamId);
        this.connection.started();
        this.player = admission.start(this);
        this.log.debug({ playbackId: admission.stream.info.playbackId }, 'rtmp play started');
      })
      .catch((error: unknown) => {
        this.log.error({ err: error }, 'rtmp play failed');
        session.rejectPlay(request.streamId, 'NetStream.Play.Failed', 'Server error.');
        this.connection.end('server');
      });
  }

  /** Whether the play was accepted (then the client is told when it ends). */
  get started(): boolean {
    return this.player !== undefined;
  }

  /** After an unpause the stream goes on from the next keyframe, as what was skipped cannot be decoded. */
  paused(paused: boolean): void {
    if (!paused) this.player?.skipToKeyframe();
  }

  /** The client or the connection ended the play. Idempotent. */
  stop(reason: PlayerEndReason): void {
    this.stopped = true;
    this.player?.stop(reason);
  }

  begin(): void {
    // RTMP has no file header: the play's status messages went out with acceptPlay.
  }

  tag(kind: FlvTagKind, timestamp: number, body: readonly Buffer[]): number {
    // 0 when nothing reaches the socket: the player counts what it handed over (see LivePlayer.releaseTaken).
    if (!this.connection.isSending() || !this.connection.session.sendPlayMedia(kind, timestamp, body)) return 0;
    let bytes = 0;
    for (const part of body) bytes += part.length;
    return bytes;
  }

  get bufferedBytes(): number {
    return this.connection.socket.writableLength;
  }

  get full(): boolean {
    return this.connection.socket.writableNeedDrain;
  }

  onDrain(drained: () => void): void {
    this.connection.socket.once('drain', drained);
  }

  close(reason: PlayerEndReason): void {
    this.connection.end(reason);
  }
}
