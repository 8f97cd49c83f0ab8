import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type DecodeOutcome, DecoderPool } from './decoder-pool.js';
import { ThumbnailError } from './thumbnail-error.js';

/**
 * A decoder whose decodes finish when the test says so; it records how many ran at once. An abort kills a
 * decode a moment later, or, with `diesOnAbort` false, only when the test fails it (a decoder slow to die).
 */
class FakeDecoder {
  constructor(private readonly diesOnAbort = true) {}

  running = 0;
  peak = 0;
  calls: string[] = [];
  aborted: string[] = [];
  private readonly pending = new Map<string, { finish: (image?: Buffer) => void; fail: (e: Error) => void }>();

  readonly decode = (input: string, signal: AbortSignal): Promise<Buffer> => {
    this.calls.push(input);
    this.running++;
    this.peak = Math.max(this.peak, this.running);
    return new Promise<Buffer>((resolve, reject) => {
      const done = () => this.running--;
      this.pending.set(input, {
        finish: (image = Buffer.from(`image of ${input}`)) => {
          done();
          resolve(image);
        },
        fail: (error) => {
          done();
          reject(error);
        },
      });
      // Like a child process: the abort kills it, and it is gone a moment later.
      signal.addEventListener('abort', () => {
        this.aborted.push(input);
        if (this.diesOnAbort) setImmediate(() => this.pending.get(input)?.fail(new Error('killed')));
      });
    });
  };

  finish(input: string, image?: Buffer): void {
    this.pending.get(input)!.finish(image);
  }

  fail(input: string, error: Error): void {
    this.pending.get(input)!.fail(error);
  }
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

async function settle<T>(promise: Promise<T>): Promise<{ value?: T; error?: unknown }> {
  try {
    return { value: await promise };
  } catch (error) {
    return { error };
  }
}

describe('DecoderPool', () => {
  it('runs at most maxConcurrent decodes; the rest wait in FIFO order and start as decoders free up', async () => {
    const fake = new FakeDecoder();
    const loads: Array<[number, number]> = [];
    const pool = new DecoderPool({ maxConcurrent: 2, maxQueue: 10, timeoutMs: 10_000 }, fake.decode, {
      load: (running, queued) => loads.push([running, queued]),
    });
    const images = ['a', 'b', 'c', 'd', 'e'].map((key) => pool.run(key, () => key));
    await tick();
    assert.deepEqual(fake.calls, ['a', 'b']);
    assert.equal(pool.running, 2);
    assert.equal(pool.queued, 3);
    fake.finish('b');
    await tick();
    assert.deepEqual(fake.calls, ['a', 'b', 'c']);
    for (const key of ['a', 'c', 'd', 'e']) {
      await tick();
      fake.finish(key);
    }
    const results = await Promise.all(images);
    assert.deepEqual(
      results.map((r) => r.toString()),
      ['a', 'b', 'c', 'd', 'e'].map((k) => `image of ${k}`),
    );
    assert.equal(fake.peak, 2);
    assert.equal(pool.peakRunning, 2);
    assert.deepEqual(loads.at(-1), [0, 0]);
    assert.ok(loads.every(([running]) => running <= 2));
  });

  it('shares one decode among every request for the same key (single flight), then decodes again', async () => {
    const fake = new FakeDecoder();
    let shared = 0;
    const pool = new DecoderPool({ maxConcurrent: 2, maxQueue: 0, timeoutMs: 10_000 }, fake.decode, {
      shared: () => shared++,
    });
    const requests = Array.from({ length: 100 }, () => pool.run('keyframe-1', () => 'keyframe-1'));
    await tick();
    fake.finish('keyframe-1');
    const images = await Promise.all(requests);
    assert.equal(fake.calls.length, 1, 'one decode for 100 requests');
    assert.equal(shared, 99);
    assert.ok(images.every((image) => image === images[0]));
    // Finished decodes are not kept by the pool (the cache's job): the next request decodes.
    const again = pool.run('keyframe-1', () => 'keyframe-1');
    await tick();
    fake.finish('keyframe-1');
    await again;
    assert.equal(fake.calls.length, 2);
  });

  it('refuses new keys with `busy` when the decoders and the queue are full; other requests are unaffected', async () => {
    const fake = new FakeDecoder();
    const rejected: string[] = [];
    const pool = new DecoderPool({ maxConcurrent: 1, maxQueue: 2, timeoutMs: 10_000 }, fake.decode, {
      rejected: (reason) => rejected.push(reason),
    });
    const accepted = ['a', 'b', 'c'].map((key) => pool.run(key, () => key));
    const refused = await settle(pool.run('d', () => 'd'));
    assert.ok(refused.error instanceof ThumbnailError);
    assert.equal(refused.error.code, 'busy');
    assert.deepEqual(rejected, ['queue_full']);
    // A request for a key already queued joins it instead of being refused.
    const joined = pool.run('b', () => 'b');
    await tick();
    for (const key of ['a', 'b', 'c']) {
      fake.finish(key);
      await tick();
    }
    await Promise.all([...accepted, joined]);
    assert.deepEqual(fake.calls, ['a', 'b', 'c']);
  });

  it('drops a queued decode that waited longer than the timeout (busy) without ever starting it', async () => {
    // The running decode ignores its abort until the test kills it: its slot stays taken whichever of the two
    // equal timers (its timeout, the queued one's wait) a loaded machine fires first.
    const fake = new FakeDecoder(false);
    const rejected: string[] = [];
    const pool = new DecoderPool({ maxConcurrent: 1, maxQueue: 5, timeoutMs: 100 }, fake.decode, {
      rejected: (reason) => rejected.push(reason),
    });
    const first = settle(pool.run('slow', () => 'slow'));
    const waiting = settle(pool.run('late', () => 'late'));
    const result = await waiting;
    assert.equal((result.error as ThumbnailError).code, 'busy');
    assert.deepEqual(rejected, ['waited_too_long']);
    assert.equal(pool.queued, 0);
    // The running one timed out meanwhile (same bound) and was aborted.
    assert.equal(((await first).error as ThumbnailError).code, 'timeout');
    assert.deepEqual(fake.aborted, ['slow'], 'aborted');
    fake.fail('slow', new Error('killed'));
    assert.deepEqual(fake.calls, ['slow']);
  });

  it('aborts a decode past the timeout, answers `timeout` at once, and keeps its slot until the decoder is gone', async () => {
    let release: (() => void) | undefined;
    let running = 0;
    let peak = 0;
    const outcomes: DecodeOutcome[] = [];
    // A decoder that dies only some time after it is told to (a process receiving SIGKILL).
    const decode = (input: string, signal: AbortSignal) => {
      running++;
      peak = Math.max(peak, running);
      return new Promise<Buffer>((resolve, reject) => {
        if (input === 'quick') return setImmediate(() => (running--, resolve(Buffer.from('quick'))));
        signal.addEventListener('abort', () => {
          release = () => {
            running--;
            reject(new Error('killed'));
          };
        });
      });
    };
    const pool = new DecoderPool({ maxConcurrent: 1, maxQueue: 5, timeoutMs: 80 }, decode, {
      finished: (outcome) => outcomes.push(outcome),
    });
    const started = Date.now();
    const stuck = await settle(pool.run('stuck', () => 'stuck'));
    assert.equal((stuck.error as ThumbnailError).code, 'timeout');
    assert.ok(Date.now() - started < 2000);
    const next = pool.run('quick', () => 'quick');
    await tick();
    assert.equal(pool.running, 1, 'the killed decoder still holds its slot');
    assert.equal(pool.queued, 1);
    release!();
    assert.equal((await next).toString(), 'quick');
    assert.equal(peak, 1, 'never two decoders at once');
    assert.deepEqual(outcomes, ['timeout', 'ok']);
  });

  it('passes a decoder failure to every waiting request and reports its code', async () => {
    const fake = new FakeDecoder();
    const outcomes: DecodeOutcome[] = [];
    const pool = new DecoderPool({ maxConcurrent: 1, maxQueue: 1, timeoutMs: 10_000 }, fake.decode, {
      finished: (outcome) => outcomes.push(outcome),
    });
    const a = settle(pool.run('x', () => 'x'));
    const b = settle(pool.run('x', () => 'x'));
    await tick();
    fake.fail('x', new ThumbnailError('too-large', 'over the cap'));
    const [ra, rb] = await Promise.all([a, b]);
    assert.equal((ra.error as ThumbnailError).code, 'too-large');
    assert.equal(rb.error, ra.error);
    assert.deepEqual(outcomes, ['too-large']);
  });

  it('prepares input only once a decoder is free, and a failing preparation frees the slot', async () => {
    const fake = new FakeDecoder();
    const prepared: string[] = [];
    const pool = new DecoderPool({ maxConcurrent: 1, maxQueue: 2, timeoutMs: 10_000 }, fake.decode);
    const first = pool.run('a', () => (prepared.push('a'), 'a'));
    const broken = settle(
      pool.run('b', async () => {
        prepared.push('b');
        throw new Error('segment not found');
      }),
    );
    const third = pool.run('c', () => (prepared.push('c'), 'c'));
    await tick();
    assert.deepEqual(prepared, ['a'], 'queued decodes hold no input');
    fake.finish('a');
    await first;
    assert.equal(((await broken).error as Error).message, 'segment not found');
    await tick();
    fake.finish('c');
    await third;
    assert.deepEqual(prepared, ['a', 'b', 'c']);
    assert.equal(pool.running, 0);
  });
});
