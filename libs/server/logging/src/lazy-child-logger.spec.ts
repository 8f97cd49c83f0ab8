import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { createLogger } from './create-logger.js';
import { lazyChildLoggerFactory } from './lazy-child-logger.js';

/** A logger at `level` whose lines land in `lines`. */
function capture(level: 'warn' | 'info') {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger(level, sink), lines };
}

/**
 * As capture(), counting the children made of the root logger (children of those children inherit the
 * count, so this is for loggers one level down only).
 */
function captureCountingChildren(level: 'warn' | 'info') {
  const { logger, lines } = capture(level);
  const made = { children: 0 };
  const child = logger.child.bind(logger);
  logger.child = ((...args: Parameters<typeof child>) => {
    made.children++;
    return child(...args);
  }) as typeof logger.child;
  return { logger, lines, made };
}

/** pino writes through the stream asynchronously. */
const flushed = () => new Promise((resolve) => setImmediate(resolve));

describe('lazyChildLoggerFactory', () => {
  it('makes no pino child for lines below the level, and one child for every line at it', async () => {
    const { logger, lines, made } = captureCountingChildren('warn');
    const request = lazyChildLoggerFactory(logger, { reqId: 'req-1' }, {});
    request.info('incoming request');
    request.debug({ detail: 1 }, 'routing');
    assert.equal(made.children, 0, 'nothing at or above warn, no child');
    assert.equal(request.level, 'warn');
    assert.equal(request.isLevelEnabled('info'), false);

    request.warn({ authorization: 'Bearer secret' }, 'slow client');
    request.error(new Error('boom'), 'failed');
    await flushed();
    assert.equal(made.children, 1);
    assert.deepEqual(
      lines.map((l) => [l['reqId'], l['level'], l['msg']]),
      [
        ['req-1', 'warn', 'slow client'],
        ['req-1', 'error', 'failed'],
      ],
    );
    assert.equal(lines[0]?.['authorization'], '[redacted]', 'the parent’s redaction applies');
    assert.equal((lines[1]?.['err'] as { message: string }).message, 'boom');
  });

  it('reports the bindings a real child would, and its own children carry both', async () => {
    const { logger, lines } = capture('info');
    const request = lazyChildLoggerFactory(logger.child({ module: 'http' }), { reqId: 'req-7' }, {});
    assert.deepEqual(request.bindings(), logger.child({ module: 'http' }).child({ reqId: 'req-7' }).bindings());
    request.child({ route: '/live' }).info('held');
    await flushed();
    assert.deepEqual([lines[0]?.['module'], lines[0]?.['reqId'], lines[0]?.['route']], ['http', 'req-7', '/live']);
  });

  it('gives a route with its own level a real child at that level', () => {
    const { logger, made } = captureCountingChildren('warn');
    const request = lazyChildLoggerFactory(logger, { reqId: 'req-2' }, { level: 'debug' });
    assert.equal(made.children, 1);
    assert.equal(request.isLevelEnabled('debug'), true);
  });
});
