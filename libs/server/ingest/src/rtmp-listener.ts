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
import { ReadPacer } from './read-pacer.js';
import { RtmpConnection } from './rtmp-connection.js';
import { RtmpsTransport } from './rtmps-transport.js';

/** One bound port: RTMP on RTMP_PORT, RTMPS on RTMPS_PORT. */
interface Endpoint {
  transport: 'rtmp' | 'rtmps';
  port: number;
  server: Server | undefined;
  listening: boolean;
  /** The socket its RtmpConnections read: the TCP socket itself, or TLS over it. */
  wrap: (socket: Socket) => Socket;
  log: Logger;
  accepted: ReturnType<IngestMetrics['connectionsTotal']['labels']>;
  open: ReturnType<IngestMetrics['connections']['labels']>;
}

/**
 * The TCP listeners on RTMP_PORT and (when on) RTMPS_PORT: one admission control for both (the caps are
 * per server), then one RtmpConnection per socket, over TLS for RTMPS.
 */
@Injectable()
export class RtmpListener implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log: Logger;
  private readonly metrics: IngestMetrics;
  private readonly limiter: ConnectionLimiter;
  private readonly pacer: ReadPacer;
  private readonly connections = new Map<ConnectionSlot, RtmpConnection>();
  private readonly rtmp: Endpoint;
  private readonly rtmps: Endpoint | undefined;
  private tls: RtmpsTransport | undefined;
  private closed: Promise<void> | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly ingest: IngestService,
    private readonly readiness: ReadinessChecks,
    private readonly registry: MetricsRegistry,
    @Inject(ROOT_LOGGER) logger: Logger,
    private readonly players: LivePlayers,
  ) {
    this.log = logger.child({ module: 'rtmp' });
    this.metrics = createIngestMetrics(registry);
    this.limiter = new ConnectionLimiter(config.rtmp.maxConnections, config.rtmp.maxConnectionsPerIp);
    this.pacer = new ReadPacer(config.rtmp.readIntervalMs);
    this.rtmp = this.endpoint('rtmp', config.rtmpPort, this.log, (socket) => socket);
    this.rtmps =
      config.rtmps &&
      this.endpoint('rtmps', config.rtmps.port, this.log.child({ transport: 'rtmps' }), (socket) =>
        // Bound only after the transport is open (onApplicationBootstrap).
        (this.tls as RtmpsTransport).wrap(socket),
      );
  }

  onModuleInit(): void {
    for (const endpoint of [this.rtmp, this.rtmps]) {
      if (!endpoint) continue;
      const { transport, port } = endpoint;
      this.readiness.register(transport, () => {
        if (!endpoint.listening) throw new Error(`${transport.toUpperCase()} listener is not bound to port ${port}`);
      });
    }
  }

  async onApplicationBootstrap(): Promise<void> {
    // The certificate first: an unusable one stops the start before any port is bound.
    if (this.rtmps && this.config.rtmps) {
      this.tls = await RtmpsTransport.open(this.config.rtmps, this.registry, this.metrics, this.rtmps.log);
    }
    await this.listen(this.rtmp);
    if (this.rtmps) await this.listen(this.rtmps);
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

  private endpoint(transport: Endpoint['transport'], port: number, log: Logger, wrap: Endpoint['wrap']): Endpoint {
    return {
      transport,
      port,
      server: undefined,
      listening: false,
      wrap,
      log,
      // Bound once: looking a label set up per connection would cost a flood.
      accepted: this.metrics.connectionsTotal.labels(transport),
      open: this.metrics.connections.labels(transport),
    };
  }

  private async listen(endpoint: Endpoint): Promise<void> {
    const { transport, port } = endpoint;
    // Plain sockets start paused: RtmpConnection reads them into the shared read buffer (socket-reads.ts).
    const pauseOnConnect = transport === 'rtmp';
    const server = createServer({ noDelay: true, pauseOnConnect }, (socket) => this.accept(socket, endpoint));
    server.on('error', (error) => endpoint.log.error({ err: error }, `${transport.toUpperCase()} listener error`));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port, host: this.config.host, backlog: 511 }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    endpoint.server = server;
    endpoint.listening = true;
    const ingestUrl = `${transport}://${this.config.host}:${port}/live`;
    endpoint.log.info({ port }, `${transport.toUpperCase()} ingest listening on ${ingestUrl}`);
  }

  private stopAccepting(): Promise<void> {
    const endpoints = [this.rtmp, this.rtmps].filter((e) => e !== undefined);
    for (const endpoint of endpoints) endpoint.listening = false;
    this.tls?.close();
    this.closed ??= Promise.all(
      endpoints.map(
        ({ server }) => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())),
      ),
    ).then(() => undefined);
    return this.closed;
  }

  /** Admission at TCP accept for either port (before any TLS work), then the connection. */
  private accept(socket: Socket, endpoint: Endpoint): void {
    const address = socket.remoteAddress ?? 'unknown';
    const admission = this.limiter.admit(address);
    if ('refused' in admission) {
      this.metrics.rejected.inc({ reason: admission.refused });
      endpoint.log.warn({ peer: address, reason: admission.refused }, 'rtmp connection refused');
      socket.destroy();
      return;
    }
    for (const shed of admission.shed) this.shed(shed);
    const { slot } = admission;
    endpoint.accepted.inc();
    endpoint.open.inc();
    const connection = new RtmpConnection(
      endpoint.wrap(socket),
      this.config.rtmp,
      this.ingest,
      this.metrics,
      endpoint.log,
      {
        onAuthorized: () => this.limiter.authorize(slot),
        onClosed: () => {
          this.connections.delete(slot);
          this.limiter.release(slot);
          endpoint.open.dec();
        },
      },
      this.pacer,
    );
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
