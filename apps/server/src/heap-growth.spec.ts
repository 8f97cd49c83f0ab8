import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { applyHeapGrowth } from './heap-growth.js';

const run = promisify(execFile);
const MODULE = fileURLToPath(new URL('./heap-growth.js', import.meta.url));

/**
 * The growing factor V8 used for the old-generation limit after one full GC in a fresh process that called
 * applyHeapGrowth(percent) (or not at all), read from V8's own trace.
 */
async function factorAfterGc(percent: number | undefined): Promise<number> {
  const script =
    percent === undefined
      ? 'globalThis.gc();'
      : `const { applyHeapGrowth } = await import(${JSON.stringify(MODULE)}); applyHeapGrowth(${percent}); globalThis.gc();`;
  const { stdout } = await run(
    process.execPath,
    ['--expose-gc', '--trace-gc-verbose', '--input-type=module', '-e', script],
    { timeout: 30_000, maxBuffer: 16 * 1024 * 1024 },
  );
  const limit = /\[HeapController\] Limit: .*\((\d+(?:\.\d+)?)\)/.exec(stdout);
  assert.ok(limit, `no old-generation limit in V8's trace:\n${stdout.slice(0, 2000)}`);
  return Number(limit[1]);
}

describe('applyHeapGrowth', () => {
  it('sets the factor V8 grows the old generation by at the next full GC', async () => {
    assert.equal(await factorAfterGc(50), 1.5);
    assert.equal(await factorAfterGc(120), 2.2);
  });

  it('leaves V8 its own heuristics at 0', async () => {
    assert.equal(await factorAfterGc(0), await factorAfterGc(undefined));
  });

  it('refuses a negative or fractional percent', () => {
    assert.throws(() => applyHeapGrowth(-1), RangeError);
    assert.throws(() => applyHeapGrowth(1.5), RangeError);
  });
});
