import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { connect, createServer, type Server, Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { SeededRandom } from '@rapidrtmp/media-core/testing';
import { listenOnFreePort, waitFor } from '@rapidrtmp/test-support';
import { startReading } from './socket-reads.js';

interface Accepted {
  socket: Socket;
  mode: ReturnType<typeof startReading>;
  /** Copies of what each read delivered, in order. */
  reads: Buffer[];
  ended: Promise<void>;
}

/** Writes `bytes` in random-sized writes, some back to back (coalesced by TCP), then ends. */
async function writeInPieces(socket: Socket, bytes: Buffer, random: SeededRandom): Promise<void> {
  for (let at = 0; at < bytes.length;) {
    const size = random.int(1, 20_000);
    const flushed = socket.write(bytes.subarray(at, at + size));
    at += size;
    if (!flushed) await new Promise((resolve) => socket.once('drain', resolve));
    else if (random.int(0, 3) === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  await new Promise<void>((resolve) => socket.end(resolve));
}

describe('startReading', () => {
  let server: Server;
  let port: number;
  const accepted: Accepted[] = [];
  const waiting: Array<(a: Accepted) => void> = [];

  before(async () => {
    server = createServer({ pauseOnConnect: true }, (socket) => {
      const reads: Buffer[] = [];
      const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      // The view is only valid during the call: keep copies, and overwrite it to catch any later use.
      const mode = startReading(socket, (bytes) => {
        reads.push(Buffer.from(bytes));
        bytes.fill(0xdb);
      });
      const entry = { socket, mode, reads, ended };
      const waiter = waiting.shift();
      if (waiter) waiter(entry);
      else accepted.push(entry);
    });
    port = await listenOnFreePort(server);
  });

  after(() => server.close());

  const nextAccepted = () =>
    new Promise<Accepted>((resolve) => {
      const ready = accepted.shift();
      if (ready) resolve(ready);
      else waiting.push(resolve);
    });

  const dial = async () => {
    const client = connect(port, '127.0.0.1');
    await new Promise((resolve, reject) => client.once('connect', resolve).once('error', reject));
    return client;
  };

  it('reads accepted plain sockets into the shared buffer on this Node (not per-read allocations)', async () => {
    const client = await dial();
    const peer = await nextAccepted();
    assert.equal(peer.mode, 'shared-buffer', 'Node internals changed: reads fell back to data events');
    client.end();
    await peer.ended;
  });

  it('delivers every byte in order to two interleaved connections, and their close', async () => {
    const random = new SeededRandom(7);
    const [one, two] = [randomBytes(600_000), randomBytes(450_000)];
    const [clientOne, clientTwo] = [await dial(), await dial()];
    const [peerOne, peerTwo] = [await nextAccepted(), await nextAccepted()];
    await Promise.all([writeInPieces(clientOne, one, random), writeInPieces(clientTwo, two, random)]);
    await Promise.all([peerOne.ended, peerTwo.ended]);
    assert.ok(Buffer.concat(peerOne.reads).equals(one), 'first connection intact');
    assert.ok(Buffer.concat(peerTwo.reads).equals(two), 'second connection intact');
    assert.ok(peerOne.reads.length > 1, 'many reads');
  });

  it('keeps the idle timeout running on reads', async () => {
    const client = await dial();
    const peer = await nextAccepted();
    let timedOut = false;
    peer.socket.setTimeout(1500, () => (timedOut = true));
    // A read every 100 ms for a second keeps it from firing; then silence lets it fire.
    for (let i = 0; i < 10; i++) {
      client.write('x');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(timedOut, false, 'reads reset the idle timer');
    await waitFor('the idle timeout', () => timedOut || undefined, 10_000);
    assert.equal(Buffer.concat(peer.reads).toString(), 'x'.repeat(10));
    client.destroy();
    await peer.ended;
  });

  it('falls back to data events for a TLS socket', () => {
    const secure = new TLSSocket(new Socket(), { isServer: true });
    assert.equal(
      startReading(secure, () => undefined),
      'data-events',
    );
    secure.destroy();
  });
});
