import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface WebhookReceiver {
  received: Array<{ url: string; headers: IncomingHttpHeaders; body: string }>;
  url(path: string): string;
  close(): Promise<void>;
}

/** A webhook receiver on one loopback address, recording what it is sent (answers 204). */
export async function startWebhookReceiver(host: '127.0.0.1' | '::1' = '127.0.0.1'): Promise<WebhookReceiver> {
  const received: WebhookReceiver['received'] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push({ url: req.url ?? '', headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  server.listen(0, host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    received,
    url: (path: string) => `http://${host === '::1' ? '[::1]' : host}:${port}${path}`,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
