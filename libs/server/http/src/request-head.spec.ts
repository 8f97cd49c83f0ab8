import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { parseRequestHead, type RequestHeadParse } from './request-head.js';

const MAX = 16 * 1024;
const captured = (name: string): Buffer => readFileSync(new URL(`../fixtures/requests/${name}`, import.meta.url));
const bytes = (text: string): Buffer => Buffer.from(text, 'latin1');
const kind = (text: string | Buffer): RequestHeadParse['kind'] =>
  parseRequestHead(typeof text === 'string' ? bytes(text) : text, MAX).kind;

describe('parseRequestHead', () => {
  it('reads the heads real players and tools send (captured bytes)', () => {
    const playlist = parseRequestHead(captured('chromium-playlist.http'), MAX);
    assert.equal(playlist.kind, 'head');
    if (playlist.kind !== 'head') return;
    assert.equal(playlist.head.url, '/live/abc/0123/media.m3u8?_HLS_msn=12&_HLS_part=1');
    assert.equal(playlist.head.keepAlive, true);
    assert.equal(playlist.head.length, captured('chromium-playlist.http').length);
    assert.equal(playlist.head.headers.host, '127.0.0.1:18090');
    assert.match(playlist.head.headers['user-agent'] ?? '', /HeadlessChrome\/156/);
    assert.equal(playlist.head.headers['sec-ch-ua'], '"Not:A-Brand";v="8", "Chromium";v="156"');
    for (const name of ['chromium-segment.http', 'curl-playlist.http', 'wrk-playlist.http']) {
      const parsed = parseRequestHead(captured(name), MAX);
      assert.equal(parsed.kind, 'head', name);
      if (parsed.kind === 'head') assert.equal(parsed.head.length, captured(name).length, name);
    }
  });

  it('stops at the end of the first head: pipelined bytes stay for the next request', () => {
    const one = captured('wrk-playlist.http');
    const parsed = parseRequestHead(Buffer.concat([one, one, bytes('GET /x')]), MAX);
    assert.equal(parsed.kind, 'head');
    if (parsed.kind === 'head') assert.equal(parsed.head.length, one.length);
  });

  it('waits for the rest of a head, up to the bound', () => {
    const whole = captured('chromium-playlist.http');
    for (const cut of [1, 20, whole.length - 2, whole.length - 1])
      assert.equal(kind(whole.subarray(0, cut)), 'incomplete');
    assert.equal(kind(`GET / HTTP/1.1\r\nHost: a\r\nX: ${'a'.repeat(MAX)}`), 'other', 'no end within the bound');
    assert.equal(kind(`GET / HTTP/1.1\r\nHost: a\r\nX: ${'a'.repeat(MAX)}\r\n\r\n`), 'other', 'a whole head past it');
  });

  it('reads Connection: close (any case) and keep-alive', () => {
    const close = parseRequestHead(bytes('GET / HTTP/1.1\r\nHost: a\r\nConnection: Close\r\n\r\n'), MAX);
    assert.equal(close.kind === 'head' && close.head.keepAlive, false);
    const keep = parseRequestHead(bytes('GET / HTTP/1.1\r\nHost: a\r\nconnection: keep-alive\r\n\r\n'), MAX);
    assert.equal(keep.kind === 'head' && keep.head.keepAlive, true);
  });

  it('leaves everything but a plain GET to a full parser', () => {
    const plain = 'GET /live/a/b/media.m3u8 HTTP/1.1\r\nHost: a\r\n\r\n';
    assert.equal(kind(plain), 'head');
    const others = [
      'HEAD / HTTP/1.1\r\nHost: a\r\n\r\n',
      'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n',
      'get / HTTP/1.1\r\nHost: a\r\n\r\n',
      'GET / HTTP/1.0\r\nHost: a\r\n\r\n',
      'GET / HTTP/2.0\r\nHost: a\r\n\r\n',
      'GET http://a/ HTTP/1.1\r\nHost: a\r\n\r\n', // absolute form
      'GET * HTTP/1.1\r\nHost: a\r\n\r\n',
      'GET  / HTTP/1.1\r\nHost: a\r\n\r\n',
      'GET /a b HTTP/1.1\r\nHost: a\r\n\r\n',
      'GET /\x7f HTTP/1.1\r\nHost: a\r\n\r\n',
      'GET /\xe9 HTTP/1.1\r\nHost: a\r\n\r\n',
      'GET / HTTP/1.1\r\n\r\n', // no Host
      'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n',
      'GET / HTTP/1.1\r\nHost: a\r\nhost: a\r\n\r\n',
      'GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n', // a body's framing, even empty
      'GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      'GET / HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n',
      'GET / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\n\r\n',
      'GET / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive, TE\r\n\r\n',
      'GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\n folded\r\n\r\n', // obs-fold
      'GET / HTTP/1.1\r\nHost: a\r\nX : 1\r\n\r\n', // space before the colon
      'GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n', // bare CR
      'GET / HTTP/1.1\r\nHost: a\nX: 1\r\n\r\n', // bare LF
      'GET / HTTP/1.1\nHost: a\r\n\r\n',
      'GET / HTTP/1.1\r\nHost: a\r\nX: caf\xe9\r\n\r\n', // obs-text
      'GET / HTTP/1.1\r\nHost: a\r\nX: \x00\r\n\r\n',
      'GET / HTTP/1.1\r\nHost: a\r\n: empty name\r\n\r\n',
      'GET / HTTP/1.1\r\nHost: a\r\nno colon\r\n\r\n',
      '\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n', // a leading empty line (tolerated by some parsers)
    ];
    for (const text of others) assert.equal(kind(text), 'other', JSON.stringify(text));
  });

  it('never throws and keeps its promises on mutated and random bytes (seeded)', () => {
    const random = seeded(0x5eed_4e7d);
    const samples = ['chromium-playlist.http', 'chromium-segment.http', 'curl-playlist.http', 'wrk-playlist.http'].map(
      captured,
    );
    const alphabet = bytes('GET /HTTP1.:\r\n \t\x00\x7f\xff,=?&aZ-');
    const started = Date.now();
    for (let i = 0; i < 20_000 && Date.now() - started < 3000; i++) {
      const input = i % 5 === 0 ? randomBytes(random, alphabet) : mutate(random, samples, alphabet);
      const parsed = parseRequestHead(input, 512);
      if (parsed.kind !== 'head') continue;
      const { head } = parsed;
      assert.ok(head.length <= 512 && head.length <= input.length);
      assert.equal(input.toString('latin1', head.length - 4, head.length), '\r\n\r\n');
      assert.match(head.url, /^\/[\x21-\x7e]*$/);
      assert.ok(head.headers.host !== undefined);
      for (const [name, value] of Object.entries(head.headers)) {
        assert.match(name, /^[!#$%&'*+.^_`|~0-9a-z-]+$/);
        assert.doesNotMatch(value, /[\r\n\0]/);
      }
    }
  });
});

/**
 * Whatever the front reads as a plain GET, Node's own parser (which answers everything else on the same
 * connection) must read the same way: the same target, the same headers. Differential, over real sockets.
 */
describe('parseRequestHead agrees with Node', () => {
  const server = createServer((request, response) => {
    response.setHeader('connection', 'close');
    response.end(JSON.stringify({ url: request.url, headers: request.headers }));
  });
  let port = 0;
  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('on captured heads and seeded variations the front accepts', async () => {
    const random = seeded(0x0dd_ba11);
    const heads = ['chromium-playlist.http', 'chromium-segment.http', 'curl-playlist.http', 'wrk-playlist.http'].map(
      captured,
    );
    const cases: Buffer[] = [...heads];
    for (let i = 0; cases.length < 60 && i < 5000; i++) {
      const candidate = vary(random, random.pick(heads));
      if (parseRequestHead(candidate, MAX).kind === 'head') cases.push(candidate);
    }
    for (const input of cases) {
      const parsed = parseRequestHead(input, MAX);
      assert.equal(parsed.kind, 'head');
      if (parsed.kind !== 'head') continue;
      const node = JSON.parse(await exchange(port, input)) as { url: string; headers: IncomingHttpHeaders };
      assert.equal(parsed.head.url, node.url, input.toString('latin1'));
      assert.deepEqual({ ...parsed.head.headers }, node.headers, input.toString('latin1'));
    }
  });
});

/** Sends `request` on a new connection and returns the response body (the server closes after it). */
function exchange(port: number, request: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.setTimeout(5000, () => socket.destroy(new Error('no answer in 5 s')));
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      resolve(text.slice(text.indexOf('\r\n\r\n') + 4));
    });
  });
}

interface Random {
  next(): number;
  int(low: number, high: number): number;
  pick<T>(items: readonly T[]): T;
}

/** mulberry32: a small seeded generator, so a failure replays. */
function seeded(seed: number): Random {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (low: number, high: number) => low + Math.floor(next() * (high - low + 1));
  return { next, int, pick: (items) => items[int(0, items.length - 1)] as (typeof items)[number] };
}

function randomBytes(random: Random, alphabet: Buffer): Buffer {
  const out = Buffer.alloc(random.int(0, 300));
  for (let i = 0; i < out.length; i++) out[i] = alphabet[random.int(0, alphabet.length - 1)] ?? 0;
  return out;
}

/** Byte flips, insertions, deletions and splices of real heads. */
function mutate(random: Random, samples: readonly Buffer[], alphabet: Buffer): Buffer {
  let input = Buffer.from(random.pick(samples));
  for (let step = random.int(1, 4); step > 0; step--) {
    const at = random.int(0, input.length);
    const byte = Buffer.of(alphabet[random.int(0, alphabet.length - 1)] ?? 0);
    const choice = random.int(0, 3);
    if (choice === 0 && at < input.length) input[at] = byte[0] ?? 0;
    else if (choice === 1) input = Buffer.concat([input.subarray(0, at), byte, input.subarray(at)]);
    else if (choice === 2) input = Buffer.concat([input.subarray(0, at), input.subarray(at + 1)]);
    else input = Buffer.concat([input.subarray(0, at), random.pick(samples).subarray(random.int(0, 40))]);
  }
  return input;
}

/** Variations a real client could send: header case, optional spaces and tabs, extra headers, odd targets. */
function vary(random: Random, head: Buffer): Buffer {
  const lines = head.toString('latin1').split('\r\n').slice(0, -2);
  const [requestLine = '', ...headers] = lines;
  const targets = ['/live/a/b/media.m3u8?_HLS_msn=1&_HLS_part=0', '/%2e%2e/x?a=%20', "/a;b,c!$'()*+:@~", '/?#frag'];
  const target = random.next() < 0.3 ? random.pick(targets) : (requestLine.split(' ')[1] ?? '/');
  const varied = headers.map((line) => {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon);
    const value = line.slice(colon + 1).trim();
    const cased = random.next() < 0.5 ? name.toUpperCase() : name.toLowerCase();
    const before = random.pick(['', ' ', '  ', '\t', ' \t']);
    const afterValue = random.pick(['', '', ' ', '\t', ' \t ']);
    return `${cased}:${before}${value}${afterValue}`;
  });
  if (random.next() < 0.5) varied.push(`X-Extra-${random.int(0, 99)}: ${random.pick(['', 'v', 'a, b', ' x y '])}`);
  return bytes(`GET ${target} HTTP/1.1\r\n${varied.join('\r\n')}\r\n\r\n`);
}
