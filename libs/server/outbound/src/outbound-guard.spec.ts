import assert from 'node:assert/strict';
import { once } from 'node:events';
import { get as httpGet } from 'node:http';
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { OutboundGuard, type ResolvedAddress } from './outbound-guard.js';
import { OutboundPolicy, OutboundPolicyError } from './outbound-policy.js';
import { tableResolver } from './testing/table-resolver.js';

const LOOPBACK_ONLY = OutboundPolicy.allowing(['127.0.0.0/8']);

describe('OutboundGuard', () => {
  // A local TCP server that answers "hello" and counts the connections it got.
  let port: number;
  let connections = 0;
  const server = createServer((socket) => {
    connections++;
    socket.end('hello');
  });
  before(async () => {
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });
  after(() => server.close());

  /** Resolves with the socket's first data, or rejects with its error. */
  function outcome(socket: Socket): Promise<string> {
    return new Promise((resolve, reject) => {
      socket.once('data', (data: Buffer) => {
        resolve(data.toString());
        socket.destroy();
      });
      socket.once('error', reject);
    });
  }

  describe('resolve', () => {
    const { resolver, calls } = tableResolver({
      'public.test': ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'],
      'internal.test': ['10.0.0.1'],
      'mixed.test': ['93.184.215.14', '169.254.169.254'],
      'mapped.test': ['::ffff:127.0.0.1'],
      'empty.test': [],
    });
    const guard = new OutboundGuard(OutboundPolicy.strict(), resolver);

    it('returns every answer when all of them are allowed, filtered by family', async () => {
      assert.deepEqual(
        (await guard.resolve('public.test')).map((a) => a.address),
        ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'],
      );
      assert.deepEqual(await guard.resolve('public.test', 4), [{ address: '93.184.215.14', family: 4 }]);
    });

    it('refuses a name with any refused answer, naming the name, address and rule', async () => {
      await assert.rejects(guard.resolve('internal.test'), (error: unknown) => {
        assert.ok(error instanceof OutboundPolicyError);
        assert.equal(error.host, 'internal.test');
        assert.equal(error.address, '10.0.0.1');
        assert.equal(error.rule, 'private');
        assert.match(
          error.message,
          /^internal\.test resolves to 10\.0\.0\.1, a private-use address \(RFC 1918\) in 10\.0\.0\.0\/8: refused/,
        );
        return true;
      });
      await assert.rejects(guard.resolve('mixed.test'), { rule: 'link-local', address: '169.254.169.254' });
      await assert.rejects(guard.resolve('mapped.test'), { rule: 'loopback', address: '::ffff:7f00:1' });
    });

    it('checks literal addresses without resolving them', async () => {
      await assert.rejects(guard.resolve('127.0.0.1'), { rule: 'loopback' });
      await assert.rejects(guard.resolve('[::1]'), { rule: 'loopback' });
      assert.deepEqual(await guard.resolve('8.8.8.8'), [{ address: '8.8.8.8', family: 4 }]);
      assert.equal(calls.get('127.0.0.1'), undefined);
    });

    it('fails like getaddrinfo for unknown names and empty answers', async () => {
      await assert.rejects(guard.resolve('nowhere.test'), { code: 'ENOTFOUND' });
      await assert.rejects(guard.resolve('empty.test'), { code: 'ENOTFOUND' });
      await assert.rejects(guard.resolve('internal.test', 6), { code: 'ENOTFOUND' });
    });

    it('serves as a net lookup function (single answer and all answers)', async () => {
      const single = await new Promise<unknown[]>((resolve) =>
        guard.lookup('public.test', { family: 4 }, (...args) => resolve(args)),
      );
      assert.deepEqual(single, [null, '93.184.215.14', 4]);
      const all = await new Promise<unknown[]>((resolve) =>
        guard.lookup('public.test', { all: true }, (...args) => resolve(args)),
      );
      assert.equal(all[0], null);
      assert.equal((all[1] as ResolvedAddress[]).length, 2);
      const refused = await new Promise<unknown[]>((resolve) =>
        guard.lookup('internal.test', {}, (...args) => resolve(args)),
      );
      assert.ok(refused[0] instanceof OutboundPolicyError);
    });
  });

  describe('connect (raw TCP, as an RTMP push would)', () => {
    it('connects to a name resolving to an allowed address', async () => {
      const { resolver } = tableResolver({ 'receiver.test': ['127.0.0.1'] });
      const guard = new OutboundGuard(LOOPBACK_ONLY, resolver);
      assert.equal(await outcome(guard.connect({ host: 'receiver.test', port })), 'hello');
    });

    it('never opens a connection to a refused resolved address (DNS rebinding)', async () => {
      // The name looked public when it was registered, and resolves to loopback when used.
      let answer = '93.184.215.14';
      const { resolver, calls } = tableResolver({ 'rebind.test': () => [answer] });
      const guard = new OutboundGuard(OutboundPolicy.strict(), resolver);
      assert.deepEqual(
        (await guard.resolve('rebind.test')).map((a) => a.address),
        ['93.184.215.14'],
      );
      answer = '127.0.0.1';
      const before = connections;
      await assert.rejects(outcome(guard.connect({ host: 'rebind.test', port })), (error: unknown) => {
        assert.ok(error instanceof OutboundPolicyError);
        assert.match(error.message, /rebind\.test resolves to 127\.0\.0\.1, a loopback address/);
        return true;
      });
      assert.equal(calls.get('rebind.test'), 2, 'resolved again at connect time');
      assert.equal(connections, before, 'no connection reached the server');
    });

    it('refuses a literal address (Node skips lookup for those) through the error event', async () => {
      const guard = new OutboundGuard(OutboundPolicy.strict(), tableResolver({}).resolver);
      const before = connections;
      await assert.rejects(outcome(guard.connect({ host: '127.0.0.1', port })), {
        rule: 'loopback',
        address: '127.0.0.1',
      });
      await assert.rejects(outcome(guard.connectTls({ host: '127.0.0.1', port })), { rule: 'loopback' });
      await assert.rejects(outcome(guard.connectTls({ host: '::ffff:127.0.0.1', port })), { rule: 'loopback' });
      assert.equal(connections, before);
      const allowed = new OutboundGuard(LOOPBACK_ONLY, tableResolver({}).resolver);
      assert.equal(await outcome(allowed.connect({ host: '127.0.0.1', port })), 'hello');
    });

    it('refuses a TLS connection to a name resolving to a refused address', async () => {
      const guard = new OutboundGuard(OutboundPolicy.strict(), tableResolver({ 'tls.test': ['10.0.0.1'] }).resolver);
      await assert.rejects(outcome(guard.connectTls({ host: 'tls.test', port })), {
        rule: 'private',
        host: 'tls.test',
      });
    });
  });

  describe('with http.request', () => {
    const httpServer = createServer((socket) => {
      socket.end('HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n');
    });
    let httpPort: number;
    before(async () => {
      httpServer.listen(0, '127.0.0.1');
      await once(httpServer, 'listening');
      httpPort = (httpServer.address() as AddressInfo).port;
    });
    after(() => httpServer.close());

    function status(guard: OutboundGuard, url: string): Promise<number> {
      return new Promise((resolve, reject) => {
        const request = httpGet(url, { lookup: guard.lookup, agent: false }, (response) => {
          resolve(response.statusCode ?? 0);
          response.resume();
        });
        request.on('error', reject);
      });
    }

    it('the lookup option checks the resolved address', async () => {
      const { resolver } = tableResolver({ 'hooks.test': ['127.0.0.1'] });
      assert.equal(await status(new OutboundGuard(LOOPBACK_ONLY, resolver), `http://hooks.test:${httpPort}/`), 204);
      await assert.rejects(
        status(new OutboundGuard(OutboundPolicy.strict(), resolver), `http://hooks.test:${httpPort}/`),
        {
          name: 'OutboundPolicyError',
          rule: 'loopback',
          host: 'hooks.test',
        },
      );
    });

    it('checkHost covers literal hosts, brackets included', () => {
      const guard = new OutboundGuard(OutboundPolicy.strict(), tableResolver({}).resolver);
      assert.throws(() => guard.checkHost('127.0.0.1'), OutboundPolicyError);
      assert.throws(() => guard.checkHost('[::1]'), { rule: 'loopback' });
      assert.throws(() => guard.checkHost(new URL('http://0x7f.1/').hostname), { address: '127.0.0.1' });
      assert.throws(() => guard.checkHost(new URL('http://[::ffff:169.254.169.254]/').hostname), {
        rule: 'link-local',
      });
      assert.doesNotThrow(() => guard.checkHost('hooks.example.com'), 'names are checked when resolved');
      assert.doesNotThrow(() => guard.checkHost('8.8.8.8'));
    });
  });
});
