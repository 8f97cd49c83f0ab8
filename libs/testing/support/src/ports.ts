import type { Server } from 'node:net';
import { connect, createServer } from 'node:net';
import { waitFor } from './wait-for.js';

/** Starts `server` listening on a free port of 127.0.0.1 and returns the port. */
export async function listenOnFreePort(server: Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('no port');
  return address.port;
}

/** A TCP port that was free a moment ago on 127.0.0.1 (for a child process to listen on). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.unref();
  const port = await listenOnFreePort(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Resolves once something accepts TCP connections on 127.0.0.1:`port`; throws after `timeoutMs`. */
export function waitForPort(port: number, timeoutMs: number): Promise<true> {
  return waitFor(
    `port ${port}`,
    () =>
      new Promise<true | undefined>((resolve) => {
        const socket = connect({ host: '127.0.0.1', port });
        socket.once('connect', () => {
          socket.destroy();
          resolve(true);
        });
        socket.once('error', () => resolve(undefined));
      }),
    timeoutMs,
  );
}
