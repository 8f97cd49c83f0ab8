import type { Socket } from 'node:net';
import type { Logger } from '@rapidrtmp/server-logging';
import { backoffDelayMs } from '@rapidrtmp/server-retry';
import type { LiveStream, PushTargetState, PushTargetStatusDto } from '@rapidrtmp/server-streams';
import { PushConnection } from './push-connection.js';
import { describePushError, type FailureReason, failureReason, secretSpellings } from './push-errors.js';
import type { PushTargetAddress } from './push-target-url.js';
import type { PushTarget, PushTiming } from './push-types.js';

/** Opens the socket for an attempt (through the outbound guard); `readyEvent` is when the session may start. */
export type PushConnector = (address: PushTargetAddress) => {
  socket: Socket;
  readyEvent: 'connect' | 'secureConnect';
};

/** A target that is not going out: since when, how many attempts failed, whether `failed` was reported. */
export interface PushOutage {
  since: Date;
  attempts: number;
  lastError: string;
  reported: boolean;
}

export interface PushRelayEvents {
  stateChanged(relay: PushRelay): void;
  /** Once per outage: the push dropped after being live, or has not gone live after `failAfterAttempts`. */
  failed(relay: PushRelay, outage: PushOutage): void;
  /** A reported outage ended: live again. */
  recovered(relay: PushRelay, outage: PushOutage): void;
  attemptFailed(relay: PushRelay, reason: FailureReason): void;
  reconnecting(relay: PushRelay): void;
  bytesSent(count: number): void;
  packetsDropped(count: number): void;
}

/**
 * Pushes one live stream to one target for as long as the stream is live here: connects, publishes, and
 * after any failure retries with exponential backoff and jitter (`retryBaseMs` doubling up to `retryMaxMs`;
 * a drop after being live starts again from the base) until stopped. Its status (state, last error, bytes
 * sent, when it went live, when it retries) is read by the API. Error texts never contain the stream key.
 */
export class PushRelay {
  private current: PushTargetState = 'idle';
  private lastError: string | null = null;
  private connection: PushConnection | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private connectedAt: Date | null = null;
  private retryAt: Date | null = null;
  private bytesBefore = 0;
  private attempts = 0;
  private failedAttempts = 0;
  private dropped = 0;
  private outage: PushOutage | undefined;
  private stopped = false;
  private readonly secrets: string[];

  constructor(
    readonly target: PushTarget,
    private readonly stream: LiveStream,
    private readonly connect: PushConnector,
    private readonly events: PushRelayEvents,
    private readonly timing: PushTiming,
    private readonly log: Logger,
    private readonly random: () => number = Math.random,
  ) {
    this.secrets = secretSpellings(target.streamKey);
  }

  get state(): PushTargetState {
    return this.current;
  }

  start(): void {
    if (this.attempts === 0 && !this.stopped) this.attempt();
  }

  /** For good (the stream ended, or the target changed, was disabled or deleted): closes gracefully. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.retryAt = null;
    const connection = this.connection;
    this.connection = undefined;
    if (connection) {
      this.bytesBefore += connection.bytesSent;
      connection.close();
    }
    this.setState('idle');
  }

  status(): PushTargetStatusDto {
    return {
      targetId: this.target.id,
      label: this.target.label,
      state: this.current,
      lastError: this.lastError,
      bytesSent: this.bytesBefore + (this.connection?.bytesSent ?? 0),
      connectedAt: this.connectedAt,
      retryAt: this.retryAt,
      reconnects: Math.max(0, this.attempts - 1),
      droppedPackets: this.dropped + (this.connection?.unreportedDropped ?? 0),
    };
  }

  private attempt(): void {
    this.retryTimer = undefined;
    this.retryAt = null;
    if (this.stopped) return;
    if (this.attempts > 0) this.events.reconnecting(this);
    this.attempts++;
    this.setState('connecting');
    let opened: ReturnType<PushConnector>;
    try {
      opened = this.connect(this.target.address);
    } catch (error) {
      return this.failed(error);
    }
    this.connection = new PushConnection(opened.socket, opened.readyEvent, this.target, this.stream, this.timing, {
      onPublishing: () => this.live(),
      onFailure: (error) => this.failed(error),
      onBytes: (count) => this.events.bytesSent(count),
      onDropped: (count) => {
        this.dropped += count;
        this.events.packetsDropped(count);
      },
    });
  }

  private live(): void {
    this.connectedAt = new Date();
    this.lastError = null;
    this.failedAttempts = 0;
    const outage = this.outage;
    this.outage = undefined;
    this.log.info({ ...this.logContext(), attempts: this.attempts }, 'restream target live');
    this.setState('live');
    if (outage?.reported) this.events.recovered(this, outage);
  }

  private failed(error: unknown): void {
    const connection = this.connection;
    this.connection = undefined;
    if (connection) this.bytesBefore += connection.bytesSent;
    if (this.stopped) return;
    const wasLive = this.current === 'live';
    this.connectedAt = null;
    this.lastError = describePushError(error, this.secrets);
    // A drop after being live starts the backoff again; failures before that keep doubling it.
    this.failedAttempts = wasLive ? 1 : this.failedAttempts + 1;
    this.outage ??= { since: new Date(), attempts: 0, lastError: '', reported: false };
    this.outage.attempts = this.failedAttempts;
    this.outage.lastError = this.lastError;
    const reason = failureReason(error);
    this.events.attemptFailed(this, reason);
    const delay = backoffDelayMs(this.failedAttempts, this.timing.retryBaseMs, this.timing.retryMaxMs, {
      random: this.random,
    });
    this.retryAt = new Date(Date.now() + delay);
    this.retryTimer = setTimeout(() => this.attempt(), delay);
    this.retryTimer.unref();
    this.log[wasLive || this.failedAttempts === 1 ? 'warn' : 'debug'](
      { ...this.logContext(), reason, error: this.lastError, retryInMs: delay },
      wasLive ? 'restream target dropped; reconnecting' : 'restream attempt failed',
    );
    this.setState('retrying');
    if (!this.outage.reported && (wasLive || this.failedAttempts >= this.timing.failAfterAttempts)) {
      this.outage.reported = true;
      this.events.failed(this, this.outage);
    }
  }

  private setState(state: PushTargetState): void {
    if (state === this.current) return;
    this.current = state;
    this.events.stateChanged(this);
  }

  /** What logs may say about the target: ids and where, never the key. */
  private logContext() {
    const { id, address } = this.target;
    return { streamKeyId: this.stream.info.streamKeyId, targetId: id, target: address.url };
  }
}
