import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { httpDate, ResponseHeads } from './response-head.js';

describe('ResponseHeads', () => {
  const heads = new ResponseHeads(['x-content-type-options', 'nosniff']);

  it('writes the status line, the lane headers, the edge headers and the framing headers', () => {
    const head = heads.head(200, ['content-type', 'text/plain'], 13, { keepAliveSeconds: 72 });
    assert.equal(
      head,
      'HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\nx-content-type-options: nosniff\r\n' +
        `content-length: 13\r\ndate: ${httpDate()}\r\nconnection: keep-alive\r\nkeep-alive: timeout=72\r\n\r\n`,
    );
    const closing = heads.head(503, [], 0, 'close');
    assert.match(closing, /^HTTP\/1\.1 503 Service Unavailable\r\n/);
    assert.match(closing, /\r\nconnection: close\r\n\r\n$/);
    assert.doesNotMatch(closing, /keep-alive/);
  });

  it('gives the same head for a list it has seen (kept per array) and a new array with the same headers', () => {
    const list = ['etag', '"a"'];
    const first = heads.head(200, list, 1, 'close');
    assert.equal(heads.head(200, list, 1, 'close'), first);
    assert.equal(heads.head(200, ['etag', '"a"'], 1, 'close'), first);
  });

  it('prepares a whole response for a shared body once, and again when the second, headers or body change', () => {
    const list = ['content-type', 'application/vnd.apple.mpegurl'];
    const body = Buffer.from('#EXTM3U\n');
    const whole = heads.whole(200, list, body, 72);
    assert.equal(
      whole.toString('latin1'),
      heads.head(200, list, body.length, { keepAliveSeconds: 72 }) + body.toString('latin1'),
    );
    assert.equal(heads.whole(200, list, body, 72), whole, 'the same buffer for the next client');
    assert.notEqual(heads.whole(200, list, body, 5), whole);
    assert.notEqual(heads.whole(200, list, Buffer.from('#EXTM3U\n'), 5), whole, 'another body');
    assert.throws(() => heads.whole(200, ['x', '\n'], body, 72), /invalid response header/);
  });

  it('refuses a header that would split the response, as writeHead does', () => {
    assert.throws(() => heads.head(200, ['x', 'a\r\nset-cookie: b'], 0, 'close'), /invalid response header/);
    assert.throws(() => heads.head(200, ['x\n', 'a'], 0, 'close'), /invalid response header/);
    assert.throws(() => new ResponseHeads(['x', '\r']).head(200, [], 0, 'close'), /invalid response header/);
  });
});

describe('httpDate', () => {
  it('is the IMF-fixdate of the current second', () => {
    assert.equal(httpDate(Date.UTC(2026, 11, 6, 11, 0, 0, 999)), 'Sun, 06 Dec 2026 11:00:00 GMT');
    assert.equal(httpDate(Date.UTC(2026, 11, 6, 11, 0, 1, 0)), 'Sun, 06 Dec 2026 11:00:01 GMT');
    assert.match(httpDate(), /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
  });
});
