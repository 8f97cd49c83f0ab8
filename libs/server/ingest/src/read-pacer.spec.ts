import assert from 'node:assert/strict';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { listenOnFreePort, waitFor } from '@rapidrtmp/test-support';
import { ReadPacer } from './read-pacer.js';
import { startReading } from './socket-reads.js';

/** Long enough that no loaded machine stalls this long between two writes 5 ms apart. */
const INTERVAL_MS = 1000;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Peer {
  socket: Socket;
  reads: string[];
  closed: Promise<void>;
}

describe('ReadPacer', () => {
  let server: Server;
  let port: number;
  let pacer: ReadPacer;
  const peers: Peer[] = [];

  before(async () => {
    server = createServer({ pauseOnConnect: true }, (socket) => {
      const peer: Peer = {
        socket,
        reads: [],
        closed: new Promise((resolve) => socket.once('close', () => resolve())),
      };
      socket.once('close', () => pacer.forget(socket));
      startReading(socket, (bytes) => {
        peer.reads.push(bytes.toString());
        return pacer.hold(socket);
      });
      peers.push(peer);
    });
    port = await listenOnFreePort(server);
  });

  after(() => server.close());

  const dial = async (): Promise<{ client: Socket; peer: Peer }> => {
    const count = peers.length;
    const client = connect(port, '127.0.0.1');
    client.setNoDelay(true);
    await new Promise((resolve, reject) => client.once('connect', resolve).once('error', reject));
    const peer = await waitFor('the accepted socket', () => peers[count], 5_000);
    return { client, peer };
  };

  it('reads a held socket again only at the next tick: writes in between arrive as one read', async () => {
    pacer = new ReadPacer(INTERVAL_MS);
    const { client, peer } = await dial();
    client.write('a');
    await waitFor('the first read', () => peer.reads.length > 0 || undefined, 5_000);
    assert.equal(pacer.holding, 1, 'held after its read');
    // Three writes that TCP sends apart (5 ms between them, no delay): read unpaced, each would wake a read.
    for (const letter of ['b', 'c', 'd']) {
      client.write(letter);
      await pause(5);
    }
    assert.deepEqual(peer.reads, ['a'], 'nothing is read while held');
    await waitFor('the tick', () => peer.reads.length > 1 || undefined, 5 * INTERVAL_MS);
    assert.deepEqual(peer.reads, ['a', 'bcd'], 'everything that arrived meanwhile, in order, in one read');
    client.end();
    await peer.closed;
    assert.equal(pacer.holding, 0, 'a closed socket is not held');
  });

  it('holds several sockets and releases them together', async () => {
    pacer = new ReadPacer(INTERVAL_MS);
    const [one, two] = [await dial(), await dial()];
    one.client.write('1');
    two.client.write('2');
    await waitFor('both first reads', () => (one.peer.reads.length && two.peer.reads.length) || undefined, 5_000);
    assert.equal(pacer.holding, 2);
    one.client.write('x');
    two.client.write('y');
    await waitFor('the tick', () => (one.peer.reads.length > 1 && two.peer.reads.length > 1) || undefined, 5_000);
    assert.deepEqual(
      [one.peer.reads, two.peer.reads],
      [
        ['1', 'x'],
        ['2', 'y'],
      ],
    );
    one.client.destroy();
    two.client.destroy();
    await Promise.all([one.peer.closed, two.peer.closed]);
  });

  it('notices a peer closing while its socket is held', async () => {
    pacer = new ReadPacer(INTERVAL_MS);
    const { client, peer } = await dial();
    client.write('last words');
    await waitFor('the read', () => peer.reads.length > 0 || undefined, 5_000);
    client.end();
    await peer.closed;
    assert.deepEqual(peer.reads, ['last words']);
  });

  it('does not cap a fast sender: a read that fills the buffer reads on', async () => {
    // Held after every read, 8 MB would take 128 ticks of 64 KiB (32 s); drained per tick, a few ticks.
    pacer = new ReadPacer(250);
    const { client, peer } = await dial();
    const sent = Buffer.alloc(8 * 1024 * 1024, 'z');
    client.end(sent);
    const started = performance.now();
    await peer.closed;
    const seconds = (performance.now() - started) / 1000;
    assert.equal(peer.reads.join('').length, sent.length, 'every byte');
    assert.ok(seconds < 15, `8 MB took ${seconds.toFixed(1)} s`);
  });

  it('with interval 0 never holds', async () => {
    pacer = new ReadPacer(0);
    const { client, peer } = await dial();
    client.write('a');
    await waitFor('the read', () => peer.reads.length > 0 || undefined, 5_000);
    assert.equal(pacer.holding, 0);
    client.write('b');
    await waitFor('the second read, without a tick', () => peer.reads.length > 1 || undefined, 5_000);
    client.destroy();
    await peer.closed;
  });
});
