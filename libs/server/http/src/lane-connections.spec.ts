import assert from 'node:assert/strict';
import { once } from 'node:events';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { after, afterEach, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import Fastify, { type FastifyInstance } from 'fastify';
import { type FastAnswer, FastLanes, installFastLanes } from './index.js';
import type { LaneConnections } from './lane-connections.js';

/** A body many clients get (a playlist rendering): written with its head as one prepared buffer. */
const SHARED = Buffer.from('#EXTM3U\n#EXT-X-VERSION:9\n');

/** One HTTP/1.1 response as read off a raw socket. */
interface RawResponse {
  readonly statusLine: string;
  readonly status: number;
  /** Lower-case names; a repeated name keeps its values joined with ', '. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/**
 * A client on a raw TCP socket: the test writes exactly the bytes it means and reads the responses
 * itself (framed by content-length, chunked, or the end of the connection).
 */
class RawClient {
  private bytes = Buffer.alloc(0);
  private changed: (() => void) | undefined;
  /** The server sent FIN (or the socket closed). */
  ended = false;
  closed = false;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.bytes = Buffer.concat([this.bytes, chunk]);
      this.wake();
    });
    socket.on('end', () => {
      this.ended = true;
      this.wake();
    });
    socket.on('close', () => {
      this.ended = true;
      this.closed = true;
      this.wake();
    });
    socket.on('error', ignore); // a reset: 'close' follows
  }

  static async open(port: number): Promise<RawClient> {
    const client = new RawClient(connect(port, '127.0.0.1'));
    await once(client.socket, 'connect');
    return client;
  }

  write(bytes: string | Buffer): void {
    this.socket.write(bytes);
  }

  /** Reads `count` whole responses; `bodyless[i]` for an answer to HEAD. */
  async read(
    count: number,
    options: { bodyless?: readonly boolean[]; timeoutMs?: number } = {},
  ): Promise<RawResponse[]> {
    const deadline = Date.now() + (options.timeoutMs ?? 5000);
    const responses: RawResponse[] = [];
    while (responses.length < count) {
      const parsed = parseResponse(this.bytes, options.bodyless?.[responses.length] ?? false, this.ended);
      if (parsed) {
        responses.push(parsed.response);
        this.bytes = this.bytes.subarray(parsed.length);
        continue;
      }
      const state = `${responses.length} of ${count} responses, then ${JSON.stringify(this.bytes.toString('latin1'))}`;
      if (this.ended) assert.fail(`the connection ended after ${state}`);
      if (!(await this.change(deadline - Date.now()))) assert.fail(`timed out after ${state}`);
    }
    return responses;
  }

  async readOne(options: { bodyless?: boolean; timeoutMs?: number } = {}): Promise<RawResponse> {
    const [response] = await this.read(1, { bodyless: [options.bodyless ?? false], timeoutMs: options.timeoutMs });
    return response!;
  }

  /** Bytes received and not read as a response yet. */
  unread(): string {
    return this.bytes.toString('latin1');
  }

  /** Waits for the server to end the connection; false if it did not within `ms`. */
  async untilEnded(ms = 3000): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (!this.ended) if (!(await this.change(deadline - Date.now()))) return false;
    return true;
  }

  /** Waits for the socket to close; false if it did not within `ms`. */
  async untilClosed(ms = 3000): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (!this.closed) if (!(await this.change(deadline - Date.now()))) return false;
    return true;
  }

  destroy(): void {
    this.socket.destroy();
  }

  /** Resolves true on the next data, end or close; false after `ms`. */
  private change(ms: number): Promise<boolean> {
    if (ms <= 0) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.changed = undefined;
        resolve(false);
      }, ms);
      this.changed = () => {
        clearTimeout(timer);
        resolve(true);
      };
    });
  }

  private wake(): void {
    const changed = this.changed;
    this.changed = undefined;
    changed?.();
  }
}

/** One response from the start of `bytes`, or undefined while it is incomplete. */
function parseResponse(
  bytes: Buffer,
  bodyless: boolean,
  ended: boolean,
): { response: RawResponse; length: number } | undefined {
  const end = bytes.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const [statusLine = '', ...lines] = bytes.toString('latin1', 0, end).split('\r\n');
  const match = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(statusLine);
  if (!match) assert.fail(`not an HTTP response: ${JSON.stringify(bytes.toString('latin1'))}`);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    assert.ok(colon > 0, `a header line: ${JSON.stringify(line)}`);
    const name = line.slice(0, colon).toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  const start = end + 4;
  const respond = (body: string, length: number) => ({
    response: { statusLine, status: Number(match[1]), headers, body },
    length,
  });
  if (bodyless) return respond('', start);
  const contentLength = headers['content-length'];
  if (contentLength !== undefined) {
    const bodyEnd = start + Number(contentLength);
    return bytes.length < bodyEnd ? undefined : respond(bytes.toString('utf8', start, bodyEnd), bodyEnd);
  }
  if (headers['transfer-encoding']?.toLowerCase() === 'chunked') {
    const chunked = chunkedBody(bytes, start);
    return chunked && respond(chunked.body, chunked.end);
  }
  // No framing: the body runs to the end of the connection.
  return ended ? respond(bytes.toString('utf8', start), bytes.length) : undefined;
}

function chunkedBody(bytes: Buffer, start: number): { body: string; end: number } | undefined {
  const parts: Buffer[] = [];
  let at = start;
  for (;;) {
    const lineEnd = bytes.indexOf('\r\n', at);
    if (lineEnd < 0) return undefined;
    const size = Number.parseInt(bytes.toString('latin1', at, lineEnd), 16);
    assert.ok(Number.isInteger(size), 'a chunk size');
    at = lineEnd + 2;
    if (size === 0) {
      const trailersEnd = bytes.indexOf('\r\n\r\n', at - 2);
      if (trailersEnd < 0) return undefined;
      return { body: Buffer.concat(parts).toString('utf8'), end: trailersEnd + 4 };
    }
    if (bytes.length < at + size + 2) return undefined;
    parts.push(bytes.subarray(at, at + size));
    at += size + 2;
  }
}

async function waitFor(what: string, condition: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

/** `promise`, or a failure if it does not settle within `ms`. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A plain lane GET (or any GET) with the given extra header lines. */
function get(path: string, ...headerLines: string[]): string {
  return `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${headerLines.map((line) => `${line}\r\n`).join('')}\r\n`;
}

/** A Fastify with a route that says it answered, and a lane in front of it. */
interface Harness {
  readonly fastify: FastifyInstance;
  readonly connections: LaneConnections;
  readonly port: number;
  /** `answered` calls: `GET <route> <status>`. */
  readonly counted: string[];
  /** `done` calls of the answers that have one. */
  readonly released: string[];
  /** Names the lane was asked for, in order. */
  readonly asked: string[];
  /** Resolvers of the `gated` lane's held answers, in order. */
  readonly gates: Array<(answer: FastAnswer) => void>;
  /** The test's clients, destroyed after each test. */
  readonly clients: RawClient[];
}

async function startHarness(options: { keepAliveTimeout?: number } = {}): Promise<Harness> {
  const fastify = Fastify(options.keepAliveTimeout ? { keepAliveTimeout: options.keepAliveTimeout } : {});
  fastify.get('/lane/:name', (req) => `fastify ${(req.params as { name: string }).name}`);
  fastify.post('/lane/:name', (req) => `fastify post ${(req.params as { name: string }).name} ${String(req.body)}`);
  const lanes = new FastLanes();
  const counted: string[] = [];
  const released: string[] = [];
  const asked: string[] = [];
  const gates: Array<(answer: FastAnswer) => void> = [];
  const connections = installFastLanes(fastify.server, lanes, {
    headers: ['x-edge', 'on'],
    closing: () => false,
    answered: (method, route, status) => counted.push(`${method} ${route} ${status}`),
  });
  lanes.add('/lane/', (request): FastAnswer | Promise<FastAnswer> | undefined => {
    const name = request.url?.slice('/lane/'.length) ?? '';
    asked.push(name);
    const text = (body: string, more: Partial<FastAnswer> = {}): FastAnswer => ({
      route: '/lane/:name',
      status: 200,
      headers: ['x-lane', 'yes'],
      body,
      length: Buffer.byteLength(body),
      ...more,
    });
    switch (name) {
      case 'text':
        return text('from the lane');
      case 'second':
        return text('second from the lane');
      case 'held':
        return new Promise((resolve) => setTimeout(() => resolve(text('later')), 50));
      case 'rejects':
        return Promise.reject(new Error('lane bug, later'));
      case 'abandoned':
        return new Promise((resolve) =>
          setTimeout(
            () => resolve(text('', { body: [Buffer.from('x')], length: 1, done: () => released.push('abandoned') })),
            300,
          ),
        );
      case 'shared':
        return text('', { body: SHARED, length: SHARED.length });
      case 'chunks':
        return text('', {
          body: [Buffer.from('ab'), Buffer.from('cd'), Buffer.from('ef')],
          length: 6,
          done: () => released.push('chunks'),
        });
      case 'gated':
        return new Promise((resolve) => gates.push(resolve));
      default:
        return undefined;
    }
  });
  await fastify.listen({ port: 0, host: '127.0.0.1' });
  const { port } = fastify.server.address() as AddressInfo;
  return { fastify, connections, port, counted, released, asked, gates, clients: [] };
}

async function openClient(harness: Harness): Promise<RawClient> {
  const client = await RawClient.open(harness.port);
  harness.clients.push(client);
  return client;
}

/** A lane's answer, as the front writes it. */
function assertLaneAnswer(response: RawResponse, body: string): void {
  assert.equal(response.statusLine, 'HTTP/1.1 200 OK');
  assert.equal(response.body, body);
  assert.equal(response.headers['x-lane'], 'yes');
  assert.equal(response.headers['x-edge'], 'on');
  assert.equal(response.headers['content-length'], String(Buffer.byteLength(body)));
}

function assertFastifyAnswer(response: RawResponse, body: string): void {
  assert.equal(response.status, 200);
  assert.equal(response.body, body);
  assert.equal(response.headers['x-lane'], undefined, 'Fastify answered, not the lane');
}

describe('lane connections: the front answers plain lane GETs on the socket', () => {
  let harness: Harness;

  before(async () => {
    harness = await startHarness();
  });
  afterEach(async () => {
    for (const client of harness.clients.splice(0)) client.destroy();
    await waitFor('the server to let go of every connection', () => harness.connections.size === 0);
    harness.counted.length = 0;
    harness.released.length = 0;
    harness.asked.length = 0;
  });
  after(async () => {
    for (const client of harness.clients.splice(0)) client.destroy();
    await harness.fastify.close();
  });

  it('answers two lane requests pipelined in one write, in order, and keeps the connection', async () => {
    const client = await openClient(harness);
    client.write(get('/lane/text') + get('/lane/second'));
    const [first, second] = await client.read(2);
    assertLaneAnswer(first!, 'from the lane');
    assertLaneAnswer(second!, 'second from the lane');
    for (const response of [first!, second!]) {
      assert.equal(response.headers.connection, 'keep-alive');
      assert.equal(response.headers['keep-alive'], 'timeout=72', "Fastify's keep-alive timeout (72 s)");
      assert.match(response.headers.date ?? '', /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
    }
    assert.equal(client.unread(), '', 'nothing after the two answers');
    assert.equal(harness.connections.size, 1, 'the front holds the connection');
    assert.deepEqual(harness.counted, ['GET /lane/:name 200', 'GET /lane/:name 200']);
    // Still open and served by the front.
    client.write(get('/lane/text'));
    assertLaneAnswer(await client.readOne(), 'from the lane');
    assert.equal(harness.connections.size, 1);
    assert.equal(client.ended, false);
  });

  it('hands the connection to Node at the first request the lane does not answer, for good', async () => {
    const client = await openClient(harness);
    client.write(get('/lane/text'));
    assertLaneAnswer(await client.readOne(), 'from the lane');
    assert.equal(harness.connections.size, 1);
    client.write(get('/lane/other'));
    const fromFastify = await client.readOne();
    assertFastifyAnswer(fromFastify, 'fastify other');
    assert.equal(fromFastify.headers.connection, 'keep-alive');
    assert.equal(harness.connections.size, 0, 'handed off: the front no longer holds it');
    // Node's server now reads the connection; its request-level lane still answers lane requests.
    client.write(get('/lane/text'));
    const later = await client.readOne();
    assert.equal(later.status, 200);
    assert.equal(later.body, 'from the lane');
    assert.equal(later.headers['x-lane'], 'yes');
    assert.equal(later.headers['x-edge'], 'on');
    assert.equal(harness.connections.size, 0);
    assert.deepEqual(harness.counted, ['GET /lane/:name 200', 'GET /lane/:name 200']);
    // (The front asks the lane, then Node's request-level lane asks again for the request it declined.)
    assert.deepEqual([...new Set(harness.asked)], ['text', 'other']);
  });

  it('does not ask the lanes again for a request they declined or rejected before the hand-off', async () => {
    const declined = await openClient(harness);
    declined.write(get('/lane/other'));
    assertFastifyAnswer(await declined.readOne(), 'fastify other');
    assert.deepEqual(harness.asked, ['other'], 'asked once, by the front');
    declined.write(get('/lane/text'));
    assertLaneAnswer(await declined.readOne(), 'from the lane');
    assert.deepEqual(harness.asked, ['other', 'text'], 'the next request on that connection is the lanes’ again');
    harness.asked.length = 0;
    const rejected = await openClient(harness);
    rejected.write(get('/lane/rejects'));
    assertFastifyAnswer(await rejected.readOne(), 'fastify rejects');
    assert.deepEqual(harness.asked, ['rejects'], 'not held a second time');
  });

  it('writes a shared small body with its head prepared once, to every client and for close', async () => {
    const [one, two] = [await openClient(harness), await openClient(harness)];
    one.write(get('/lane/shared') + get('/lane/shared'));
    two.write(get('/lane/shared', 'Connection: close'));
    const answers = [...(await one.read(2)), await two.readOne()];
    for (const answer of answers) assertLaneAnswer(answer, SHARED.toString());
    assert.equal(answers[0]!.headers.connection, 'keep-alive');
    assert.equal(answers[2]!.headers.connection, 'close');
    assert.ok(await two.untilEnded(), 'closed after its answer');
  });

  it('holds the requests pipelined behind a held answer and answers them in order', async () => {
    const client = await openClient(harness);
    client.write(get('/lane/held') + get('/lane/text'));
    const [held, text] = await client.read(2);
    assertLaneAnswer(held!, 'later');
    assertLaneAnswer(text!, 'from the lane');
    assert.equal(held!.headers.connection, 'keep-alive');
    assert.equal(harness.connections.size, 1, 'still the front');
    assert.deepEqual(harness.asked, ['held', 'text'], 'the second request was read after the held answer');

    // A request behind a held answer that the lane does not answer goes to Node after it.
    const mixed = await openClient(harness);
    mixed.write(get('/lane/held') + get('/lane/other'));
    const [later, other] = await mixed.read(2);
    assertLaneAnswer(later!, 'later');
    assertFastifyAnswer(other!, 'fastify other');
    await waitFor('the front to hand over the second connection', () => harness.connections.size === 1);
  });

  it('answers a rejected held answer through Node, then the requests behind it', async () => {
    const client = await openClient(harness);
    client.write(get('/lane/rejects') + get('/lane/text'));
    const [rejected, text] = await client.read(2);
    assertFastifyAnswer(rejected!, 'fastify rejects');
    assert.equal(text!.body, 'from the lane');
    assert.equal(harness.connections.size, 0, 'handed off');
  });

  it('lets go of the buffers of an answer once written', async () => {
    const client = await openClient(harness);
    client.write(get('/lane/chunks'));
    assertLaneAnswer(await client.readOne(), 'abcdef');
    await waitFor('the buffers to be let go', () => harness.released.length > 0);
    assert.deepEqual(harness.released, ['chunks']);
    assert.equal(harness.connections.size, 1);
  });

  it('hands over a head split across two writes, which Node then answers', async () => {
    const client = await openClient(harness);
    const request = get('/lane/text', 'Accept: */*');
    client.write(request.slice(0, 20));
    await sleep(30);
    client.write(request.slice(20));
    const response = await client.readOne();
    assert.equal(response.status, 200);
    assert.equal(response.body, 'from the lane');
    assert.equal(harness.connections.size, 0, 'handed to Node at the incomplete head');
    // Node's server reads the next request on it.
    client.write(get('/lane/other'));
    assertFastifyAnswer(await client.readOne(), 'fastify other');
  });

  it('hands over a GET with a body (content-length or chunked) without reading the body as a request', async () => {
    const withLength = await openClient(harness);
    withLength.write(`GET /lane/other HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 3\r\n\r\nabc${get('/lane/text')}`);
    const [first, second] = await withLength.read(2);
    assertFastifyAnswer(first!, 'fastify other');
    assert.equal(second!.status, 200, 'not a 400: "abc" was the body');
    assert.equal(second!.body, 'from the lane');

    const chunked = await openClient(harness);
    chunked.write(
      `GET /lane/other HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n${get('/lane/text')}`,
    );
    const [third, fourth] = await chunked.read(2);
    assertFastifyAnswer(third!, 'fastify other');
    assert.equal(fourth!.status, 200);
    assert.equal(fourth!.body, 'from the lane');
    assert.equal(harness.connections.size, 0);
    assert.equal(withLength.ended || chunked.ended, false, 'both kept alive');
  });

  it('leaves a GET without Host (400) and an HTTP/1.0 GET to Node', async () => {
    const noHost = await openClient(harness);
    noHost.write('GET /lane/text HTTP/1.1\r\n\r\n');
    const refused = await noHost.readOne();
    assert.equal(refused.status, 400);
    assert.ok(await noHost.untilEnded(), 'Node closes after the 400');

    const old = await openClient(harness);
    old.write('GET /lane/text HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n');
    const response = await old.readOne();
    assert.equal(response.status, 200);
    assert.equal(response.body, 'from the lane');
    assert.ok(await old.untilEnded(), 'HTTP/1.0 without keep-alive: closed after the answer');
    assert.deepEqual(harness.asked, ['text'], 'the front read neither; Node asked the lane for the HTTP/1.0 one');
  });

  it('closes the connection after a lane answer to `Connection: close`', async () => {
    const client = await openClient(harness);
    client.write(get('/lane/text', 'Connection: close'));
    const response = await client.readOne();
    assertLaneAnswer(response, 'from the lane');
    assert.equal(response.headers.connection, 'close');
    assert.equal(response.headers['keep-alive'], undefined);
    assert.ok(await client.untilEnded(), 'the server ends the connection');
    assert.equal(client.unread(), '');
    await waitFor('the front to let go', () => harness.connections.size === 0);
    assert.deepEqual(harness.counted, ['GET /lane/:name 200']);
  });

  it('leaves an oversized head to Node (431 or a close) without harm', async () => {
    const client = await openClient(harness);
    client.write(`GET /lane/text HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(20 * 1024)}`);
    assert.ok(await client.untilClosed(), 'the server closes the connection');
    if (client.unread() !== '') assert.match(client.unread(), /^HTTP\/1\.1 431 /);
    assert.equal(harness.connections.size, 0);
    assert.deepEqual(harness.asked, [], 'no lane was asked');
    // The server goes on.
    const next = await openClient(harness);
    next.write(get('/lane/text'));
    assertLaneAnswer(await next.readOne(), 'from the lane');
  });

  it("drops a held request whose client half-closed: its buffers are let go, nothing's counted", async () => {
    const client = await openClient(harness);
    client.write(get('/lane/abandoned'));
    await waitFor('the lane to be asked', () => harness.asked.length === 1);
    client.socket.end();
    assert.ok(await client.untilEnded(), 'the server ends its side too');
    await waitFor('the held answer to be let go', () => harness.released.length > 0);
    assert.deepEqual(harness.released, ['abandoned']);
    assert.deepEqual(harness.counted, [], 'nothing answered');
    assert.equal(client.unread(), '', 'nothing written');
    assert.equal(harness.connections.size, 0);
  });

  it('leaves HEAD and POST to Fastify', async () => {
    const head = await openClient(harness);
    head.write(`HEAD /lane/text HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    const headResponse = await head.readOne({ bodyless: true });
    assert.equal(headResponse.status, 200);
    assert.equal(headResponse.headers['x-lane'], undefined, 'Fastify answered the HEAD');
    // Node's server has the connection now: a GET behind it is the request-level lane's.
    head.write(get('/lane/text'));
    assert.equal((await head.readOne()).body, 'from the lane');

    const post = await openClient(harness);
    post.write(
      'POST /lane/text HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nhi',
    );
    assertFastifyAnswer(await post.readOne(), 'fastify post text hi');
    assert.equal(harness.connections.size, 0);
    assert.deepEqual(harness.asked, ['text'], 'only the GET asked the lane');
  });
});

describe('lane connections: timeouts and the server closing', () => {
  it("closes an idle front connection after the server's keep-alive timeout", async () => {
    const harness = await startHarness({ keepAliveTimeout: 300 });
    try {
      const served = await openClient(harness);
      served.write(get('/lane/text'));
      assertLaneAnswer(await served.readOne(), 'from the lane');
      const servedAt = Date.now();
      const silent = await openClient(harness);
      const openedAt = Date.now();
      await waitFor('the front to hold both', () => harness.connections.size === 2);
      assert.ok(await served.untilEnded(3000), 'an idle connection after an answer is closed');
      const servedIdle = Date.now() - servedAt;
      assert.ok(await silent.untilEnded(3000), 'a connection that never sent a request is closed');
      const silentIdle = Date.now() - openedAt;
      for (const idle of [servedIdle, silentIdle]) {
        assert.ok(idle >= 200, `not before the timeout (${idle} ms)`);
        assert.ok(idle <= 2000, `soon after the timeout (${idle} ms)`);
      }
      await waitFor('the front to let go', () => harness.connections.size === 0);
    } finally {
      for (const client of harness.clients) client.destroy();
      await harness.fastify.close();
    }
  });

  it("closes idle front connections on the server's close; a held one closes after its answer", async () => {
    const harness = await startHarness();
    let closed = false;
    try {
      const idle = await openClient(harness);
      idle.write(get('/lane/text'));
      assertLaneAnswer(await idle.readOne(), 'from the lane');
      const held = await openClient(harness);
      held.write(get('/lane/gated'));
      await waitFor('the lane to hold the request', () => harness.gates.length === 1);
      assert.equal(harness.connections.size, 2);

      const closeStarted = Date.now();
      const closing = harness.fastify.close().then(() => {
        closed = true;
      });
      assert.ok(await idle.untilEnded(3000), 'the idle connection is closed at once');
      assert.equal(held.ended, false, 'the held one waits for its answer');
      assert.equal(closed, false, 'the close waits for the held connection');

      harness.gates[0]!({ route: '/lane/:name', status: 200, headers: ['x-lane', 'yes'], body: 'gated', length: 5 });
      const response = await held.readOne();
      assertLaneAnswer(response, 'gated');
      assert.equal(response.headers.connection, 'close', 'the server is closing');
      assert.ok(await held.untilEnded(3000), 'then the connection closes');
      await within(closing, 5000, 'the server to close after the last answer');
      assert.ok(closed);
      assert.ok(Date.now() - closeStarted < 10_000, 'nowhere near the 72 s keep-alive');
      assert.equal(harness.connections.size, 0);
      assert.deepEqual(harness.counted, ['GET /lane/:name 200', 'GET /lane/:name 200']);
    } finally {
      for (const client of harness.clients) client.destroy();
      if (!closed) await harness.fastify.close();
    }
  });
});

function ignore(): void {
  // A socket error: the test reads 'close'.
}
