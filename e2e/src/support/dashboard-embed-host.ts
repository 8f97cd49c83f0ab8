import { createServer, type Server } from 'node:http';
import { listenOnFreePort } from '@rapidrtmp/test-support';

export interface EmbedHost {
  /** The host page, on its own origin (another port), framing the embed URL given last. */
  url: string;
  setEmbedUrl(url: string): void;
  /** Where webhook deliveries can be sent (`POST /hook`). */
  hookUrl: string;
  /** Webhook bodies received, parsed. */
  hooks: Array<{ type?: string; headers: Record<string, string | string[] | undefined> }>;
  close(): Promise<void>;
}

/**
 * A third-party site embedding the RapidRTMP player: a plain page with an iframe, served from a
 * different origin than the server. It also takes webhook deliveries, like a customer's backend would.
 */
export async function startEmbedHost(): Promise<EmbedHost> {
  const hooks: EmbedHost['hooks'] = [];
  let embedUrl = 'about:blank';
  const page = () => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>A site embedding a live stream</title>
<style>body{margin:0;font-family:system-ui,sans-serif;background:#f8f9fa}main{max-width:960px;margin:0 auto;padding:16px}
h1{font-size:22px}.player{width:100%;aspect-ratio:16/9;border:0;display:block;background:#000}</style></head>
<body><main><h1>Our conference, live</h1>
<iframe class="player" src="${embedUrl}" title="Live stream" allow="autoplay; fullscreen; picture-in-picture" allowfullscreen></iframe>
<p>Embedded from another origin with the dashboard's embed code.</p></main></body></html>`;
  const server: Server = createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/hook') {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        try {
          hooks.push({ type: (JSON.parse(body) as { type?: string }).type, headers: req.headers });
        } catch {
          hooks.push({ headers: req.headers });
        }
        res.writeHead(204).end();
      });
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page());
  });
  const port = await listenOnFreePort(server);
  return {
    url: `http://127.0.0.1:${port}/`,
    hookUrl: `http://127.0.0.1:${port}/hook`,
    hooks,
    setEmbedUrl: (url) => {
      embedUrl = url;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
