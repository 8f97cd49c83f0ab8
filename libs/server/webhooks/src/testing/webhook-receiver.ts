import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** performance.now() when the body was complete. */
  at: number;
}

/** How the receiver answers the n-th request (0-based) on a path: a status code, or `hang` (never answers). */
export type Behaviour = (n: number) => number | 'hang';

/** A local HTTP endpoint on 127.0.0.1 that records every request (test support). */
export class WebhookReceiver {
  readonly requests: ReceivedRequest[] = [];
  private readonly behaviours = new Map<string, Behaviour>();
  private readonly hanging = new Set<ServerResponse>();
  private readonly server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      const n = this.on(path).length;
      this.requests.push({
        path,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: performance.now(),
      });
      const answer = (this.behaviours.get(path) ?? (() => 200))(n);
      if (answer === 'hang') {
        this.hanging.add(res);
        res.on('close', () => this.hanging.delete(res));
        return;
      }
      res.writeHead(answer, { 'content-type': 'text/plain' }).end(answer < 300 ? 'ok' : 'nope');
    });
  });

  async listen(): Promise<void> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
  }

  url(path: string, behaviour?: Behaviour): string {
    if (behaviour) this.behaviours.set(path, behaviour);
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  on(path: string): ReceivedRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  /** Resolves with the requests on `path` once there are `count`; rejects after `timeoutMs`. */
  waitFor(path: string, count: number, timeoutMs = 5000): Promise<ReceivedRequest[]> {
    return eventually(
      async () => (this.on(path).length >= count ? this.on(path) : undefined),
      timeoutMs,
      () => `${count} requests on ${path} (got ${this.on(path).length})`,
    );
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close').catch(() => undefined);
  }
}

/** Polls `probe` until it returns a value other than undefined; rejects after `timeoutMs`. */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs = 5000,
  what: string | (() => string) = 'condition',
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (performance.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((resolve) => setTimeout(resolve, 15));
  }
}
