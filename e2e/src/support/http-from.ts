import { request } from 'node:http';

export interface Answer {
  status: number;
  body: string;
  /** performance.now() when the response ended. */
  at: number;
}

/**
 * GET over a fresh connection from a chosen local address (any 127.x.y.z works on Linux's loopback), so
 * the server sees several clients although every request goes to 127.0.0.1. Bounded by `timeoutMs`.
 */
export function getFrom(url: string, localAddress: string, timeoutMs = 20_000): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { localAddress, agent: false, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), at: performance.now() }),
      );
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${url} from ${localAddress}: no answer in ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}
