import { connect, createServer, type Server, type Socket } from 'node:net';
import { listenOnFreePort } from './ports.js';

/** What a cut proxy does with a new connection: close it at once, or accept it and never answer. */
export type CutMode = 'refuse' | 'hold';

/**
 * A TCP relay on 127.0.0.1 in front of a service (the test PostgreSQL), to take it away and give it back
 * while a real server process uses it: `cut()` destroys every relayed connection and, until `restore()`,
 * closes (`refuse`) or silently holds (`hold`, like a dropped network path) every new one.
 */
export class TcpProxy {
  private readonly relayed = new Set<Socket>();
  private readonly held = new Set<Socket>();
  private cutMode: CutMode | undefined;
  /** Connections accepted so far (relayed or not). */
  accepted = 0;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(target: { host?: string; port: number }): Promise<TcpProxy> {
    const host = target.host ?? '127.0.0.1';
    const relay: { to?: TcpProxy } = {};
    const server = createServer((client) => relay.to?.accept(client, host, target.port));
    relay.to = new TcpProxy(server, await listenOnFreePort(server));
    return relay.to;
  }

  get isCut(): boolean {
    return this.cutMode !== undefined;
  }

  /** `url` with its host and port pointed at this proxy. */
  rewrite(url: string): string {
    const proxied = new URL(url);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(this.port);
    return proxied.toString();
  }

  cut(mode: CutMode = 'hold'): void {
    this.cutMode = mode;
    for (const socket of this.relayed) socket.destroy();
    this.relayed.clear();
  }

  /** New connections are relayed again; connections held during the cut are dropped (their clients gave up). */
  restore(): void {
    this.cutMode = undefined;
    for (const socket of this.held) socket.destroy();
    this.held.clear();
  }

  async close(): Promise<void> {
    this.cut('refuse');
    this.restore();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket, host: string, port: number): void {
    this.accepted++;
    client.on('error', () => client.destroy());
    if (this.cutMode === 'refuse') {
      client.destroy();
      return;
    }
    if (this.cutMode === 'hold') {
      this.held.add(client);
      client.once('close', () => this.held.delete(client));
      return;
    }
    const upstream = connect(port, host);
    upstream.on('error', () => upstream.destroy());
    // One pair: whichever side goes, the other goes too (a cut destroys the pair through either).
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      this.relayed.add(from);
      from.once('close', () => {
        this.relayed.delete(from);
        to.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
