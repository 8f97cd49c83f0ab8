import { createServer, type Server, type Socket } from 'node:net';
import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnModuleInit,
} from '@nestjs/common';
import { AppConfig } from '@rapidrtmp/server-config';
import { LivePlayers } from '@rapidrtmp/server-delivery';
import { ReadinessChecks } from '@rapidrtmp/server-health';
import { ROOT_LOGGER, type Logger } from '@rapidrtmp/server-logging';
import { MetricsRegistry } from '@rapidrtmp/server-metrics';
import { ConnectionLimiter, type ConnectionSlot, type ShedConnection } from './connection-limiter.js';
import { createIngestMetrics, type IngestMetrics } from './ingest-metrics.js';
import { IngestService } from './ingest.service.js';
import { RtmpConnection } from './rtmp-connection.js';

/** The TCP listener on RTMP_PORT: admission control, then one RtmpConnection per socket. */
@Injectable()
export class RtmpListener implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log: Logger;
  private readonly metrics: IngestMetrics;
  private readonly limiter: ConnectionLimiter;
  private readonly connections = new Map<ConnectionSlot, RtmpConnection>();
  private server: Server | undefined;
  private listening = false;
  private closed: Promise<void> | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly ingest: IngestService,
    private readonly readiness: ReadinessChecks,
    metrics: MetricsRegistry,
    @Inject(ROOT_LOGGER) logger: Logger,
    private readonly players: LivePlayers,
  ) {
    this.log = logger.child({ module: 'rtmp' });
    this.metrics = createIngestMetrics(metrics);
    this.limiter = new ConnectionLimiter(config.rtmp.maxConnections, config.rtmp.maxConnectionsPerIp);
  }

  onModuleInit(): void {
    this.readiness.register('rtmp', () => {
      if (!this.listening) throw new Error(`RTMP listener is not bound to port ${this.config.rtmpPort}`);
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    const server = createServer({ noDelay: true, pauseOnConnect: false }, (socket) => this.accept(socket));
    server.on('error', (error) => this.log.error({ err: error }, 'RTMP listener error'));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port: this.config.rtmpPort, host: this.config.host, backlog: 511 }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.listening = true;
    this.log.info(
      { port: this.config.rtmpPort },
      `RTMP ingest listening on rtmp://${this.config.host}:${this.config.rtmpPort}/live`,
    );
  }

  /**
   * Shutdown, first phase: no new connections or publishes; live publishers keep streaming until they
   * leave or `deadline` passes (then beforeApplicationShutdown closes them).
   */
  async drain(deadline: number): Promise<void> {
    void this.stopAccepting(); // never rejects; beforeApplicationShutdown awaits the close
    await this.ingest.drain(deadline);
  }

  /** Stop accepting, tell every publisher the server is going away, and record their sessions as ended. */
  async beforeApplicationShutdown(): Promise<void> {
    const closed = this.stopAccepting();
    await this.ingest.stopAll('server_shutdown');
    for (const connection of this.connections.values()) connection.close('server_shutdown', null);
    await Promise.race([closed, new Promise((r) => setTimeout(r, 1500))]);
  }

  private stopAccepting(): Promise<void> {
    this.listening = false;
    this.closed ??= new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    return this.closed;
  }

  private accept(socket: Socket): void {
    const address = socket.remoteAddress ?? 'unknown';
    const admission = this.limiter.admit(address);
    if ('refused' in admission) {
      this.metrics.rejected.inc({ reason: admission.refused });
      this.log.warn({ peer: address, reason: admission.refused }, 'rtmp connection refused');
      socket.destroy();
      return;
    }
    for (const shed of admission.shed) this.shed(shed);
    const { slot } = admission;
    this.metrics.connectionsTotal.inc();
    this.metrics.connections.inc();
    const connection = new RtmpConnection(socket, this.config.rtmp, this.ingest, this.metrics, this.log, {
      onAuthorized: () => this.limiter.authorize(slot),
      onClosed: () => {
        this.connections.delete(slot);
        this.limiter.release(slot);
        this.metrics.connections.dec();
      },
    });
    connection.allowPlayback(this.players);
    this.connections.set(slot, connection);
  }

  /** A cap was reached: the limiter gave this unauthorized connection's slot to a newer one. */
  private shed({ slot, limit }: ShedConnection): void {
    this.metrics.shed.inc({ limit });
    // Debug only: a flood sheds thousands a second; the counter is what operators watch.
    this.log.debug({ peer: slot.address, limit }, 'rtmp connection shed for a newer one');
    this.connections.get(slot)?.shed();
  }
}
