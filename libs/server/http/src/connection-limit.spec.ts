import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { limitConnectionsPerAddress } from './connection-limit.js';

/** Opens a connection from `localAddress` and resolves once it sent a request and got an answer (or closed). */
function open(port: number, localAddress = '127.0.0.1'): Promise<{ socket: Socket; answered: boolean }> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1', localAddress });
    socket.on('error', () => undefined);
    socket.once('connect', () => socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    socket.once('data', () => resolve({ socket, answered: true }));
    socket.once('close', () => resolve({ socket, answered: false }));
  });
}

describe('limitConnectionsPerAddress', () => {
  let server: Server;
  let port: number;
  let refused = 0;
  const sockets: Socket[] = [];

  before(async () => {
    server = createServer((_request, response) => response.end('ok'));
    limitConnectionsPerAddress(server, {
      maxPerAddress: 3,
      exempt: (peer) => peer === '127.0.0.3',
      onRefused: () => refused++,
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  after(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('closes connections from one address beyond the cap, counts them, and admits again once one closes', async () => {
    for (let i = 0; i < 3; i++) {
      const connection = await open(port);
      sockets.push(connection.socket);
      assert.equal(connection.answered, true, `connection ${i + 1}`);
    }
    const fourth = await open(port);
    assert.equal(fourth.answered, false, 'the fourth is closed');
    assert.equal(refused, 1);
    const other = await open(port, '127.0.0.2');
    sockets.push(other.socket);
    assert.equal(other.answered, true, 'another address is not affected');
    const closed = new Promise((resolve) => sockets[0]!.once('close', resolve));
    sockets[0]!.destroy();
    await closed;
    // The server sees the close a moment after the client: retry until it has (bounded).
    let again = await open(port);
    for (let tries = 0; !again.answered && tries < 20; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      again = await open(port);
    }
    sockets.push(again.socket);
    assert.equal(again.answered, true);
  });

  it('does not limit exempt peers (trusted proxies)', async () => {
    for (let i = 0; i < 6; i++) {
      const connection = await open(port, '127.0.0.3');
      sockets.push(connection.socket);
      assert.equal(connection.answered, true, `proxy connection ${i + 1}`);
    }
  });
});
