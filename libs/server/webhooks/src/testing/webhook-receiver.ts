import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitFor } from '@rapidrtmp/test-support';

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
    return waitFor(
      () => `${count} requests on ${path} (got ${this.on(path).length})`,
      () => (this.on(path).length >= count ? this.on(path) : undefined),
      timeoutMs,
      15,
    );
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close').catch(() => undefined);
  }
}
