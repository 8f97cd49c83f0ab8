import { type BeforeApplicationShutdown, Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { EndReason } from '@rapidrtmp/server-domain';
import { AppConfig } from '@rapidrtmp/server-config';
import { ROOT_LOGGER, type Logger } from '@rapidrtmp/server-logging';
import type { PoolClient } from 'pg';
import { DataSource } from 'typeorm';

/** What one node asks the others to do; each applies it to its own streams and caches. */
export type ControlMessage =
  | { type: 'stop-key'; streamKeyId: string; reason: EndReason; stoppedBy: string | null }
  | { type: 'stop-user'; userId: string; reason: EndReason; stoppedBy: string | null }
  /** A key (or, without an id, any key or user) changed: cached publish decisions are stale. */
  | { type: 'forget-key'; streamKeyId?: string }
  /** A key's restream targets changed: the node where it is live reloads them. */
  | { type: 'push-targets-changed'; streamKeyId: string };

export type ControlHandler = (message: ControlMessage) => void;

const CHANNEL = 'rapidrtmp_control';
const RECONNECT_MS = 1000;

/**
 * Control between nodes over PostgreSQL LISTEN/NOTIFY: no extra infrastructure, and a node that is down
 * simply misses messages about streams it no longer has. The sender applies a message to itself
 * directly (no round trip), so handlers here only see other nodes' messages.
 */
@Injectable()
export class ClusterControl implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log: Logger;
  private readonly handlers = new Set<ControlHandler>();
  private listener: { client: PoolClient; release: (error?: Error) => void } | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly db: DataSource,
    private readonly config: AppConfig,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ module: 'cluster' });
  }

  /** True while this node receives other nodes' messages. */
  get listening(): boolean {
    return this.listener !== undefined;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.listen();
  }

  /** Before the database closes: its pool waits for the connection held for LISTEN. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    const listener = this.listener;
    this.listener = undefined;
    if (listener) {
      await listener.client.query(`UNLISTEN ${CHANNEL}`).catch(() => undefined);
      listener.release();
    }
  }

  subscribe(handler: ControlHandler): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  /** Tells every other node; errors are logged (the caller already acted on its own node). */
  async publish(message: ControlMessage): Promise<void> {
    const payload = JSON.stringify({ ...message, origin: this.config.nodeId });
    try {
      await this.db.query(`SELECT pg_notify($1, $2)`, [CHANNEL, payload]);
    } catch (error) {
      this.log.error({ err: error, type: message.type }, 'could not send a control message to the other nodes');
    }
  }

  private async listen(): Promise<void> {
    if (this.stopped) return;
    let obtained: [PoolClient, (error?: Error) => void] | undefined;
    try {
      // A pooled connection kept checked out: LISTEN belongs to one session.
      const driver = this.db.driver as unknown as {
        obtainMasterConnection(): Promise<[PoolClient, (e?: Error) => void]>;
      };
      obtained = await driver.obtainMasterConnection();
      const [client, release] = obtained;
      client.on('notification', (notification) => this.receive(notification.payload));
      client.once('error', (error: Error) => this.lost(error));
      await client.query(`LISTEN ${CHANNEL}`);
      this.listener = { client, release };
    } catch (error) {
      obtained?.[1](error as Error);
      this.log.warn({ err: error }, 'cannot listen for control messages; retrying');
      this.reconnectTimer = setTimeout(() => void this.listen(), RECONNECT_MS);
      this.reconnectTimer.unref();
    }
  }

  private lost(error: Error): void {
    const listener = this.listener;
    this.listener = undefined;
    listener?.release(error);
    if (this.stopped) return;
    this.log.warn({ err: error }, 'control channel lost; reconnecting');
    this.reconnectTimer = setTimeout(() => void this.listen(), RECONNECT_MS);
    this.reconnectTimer.unref();
  }

  private receive(payload: string | undefined): void {
    let message: ControlMessage & { origin?: string };
    try {
      message = JSON.parse(payload ?? '') as ControlMessage & { origin?: string };
    } catch {
      this.log.warn('malformed control message ignored');
      return;
    }
    if (message.origin === this.config.nodeId) return;
    for (const handler of this.handlers) {
      try {
        handler(message);
      } catch (error) {
        this.log.error({ err: error, type: message.type }, 'control message handler failed');
      }
    }
  }
}
