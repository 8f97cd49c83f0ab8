// One target's executions [from, to) in a worker thread, so the main thread can watch it for hangs.
import { getHeapStatistics } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import { execute, minimize } from './fuzz-execution.js';
import { executionInput } from './fuzz-input.js';
import { TARGETS } from './targets/index.js';

export interface WorkerJob {
  target: string;
  seed: number;
  from: number;
  to: number;
  hangMs: number;
  /** Int32Array[1]: executions finished since `from`; the main thread's watchdog reads it. */
  progress: SharedArrayBuffer;
}

export interface FindingMessage {
  type: 'finding';
  kind: 'crash' | 'property' | 'hang';
  index: number;
  signature: string;
  message: string;
  stack: string;
  input: Uint8Array;
  /** Inputs of this signature seen so far in this worker (later ones are counted, not sent again). */
  occurrences: number;
  ms: number;
}

export interface DoneMessage {
  type: 'done';
  executions: number;
  typed: number;
  /** Findings by signature: how often each occurred in this worker. */
  counts: Record<string, number>;
  heapPeakBytes: number;
  slowestMs: number;
}

const job = workerData as WorkerJob;
const target = TARGETS.find((t) => t.name === job.target);
if (!target) throw new Error(`no target ${job.target}`);
const seeds = target.seeds();
if (seeds.length === 0) throw new Error(`target ${job.target} has no seeds`);
const progress = new Int32Array(job.progress);
const counts: Record<string, number> = {};
let typed = 0;
let heapPeak = 0;
let slowest = 0;

function report(
  kind: FindingMessage['kind'],
  index: number,
  signature: string,
  error: Error | undefined,
  input: Buffer,
  ms: number,
) {
  counts[signature] = (counts[signature] ?? 0) + 1;
  if (counts[signature] > 1) return;
  parentPort!.postMessage({
    type: 'finding',
    kind,
    index,
    signature,
    message: error?.message ?? `one execution took ${ms.toFixed(0)} ms`,
    stack: error?.stack ?? '',
    input: new Uint8Array(input),
    occurrences: 1,
    ms,
  } satisfies FindingMessage);
}

for (let index = job.from; index < job.to; index++) {
  Atomics.store(progress, 0, index - job.from);
  const { input, runSeed } = executionInput(seeds, job.seed, index, target.maxInputBytes);
  const started = performance.now();
  const outcome = execute(target, input, runSeed);
  let ms = performance.now() - started;
  if (ms > slowest) slowest = ms;
  if (ms > job.hangMs) {
    // A GC pause or a descheduled thread also takes long: a hang must be slow every time.
    for (let again = 0; again < 2 && ms > job.hangMs; again++) {
      const rerun = performance.now();
      execute(target, input, runSeed);
      ms = Math.min(ms, performance.now() - rerun);
    }
    if (ms > job.hangMs) report('hang', index, `hang: ${job.target}`, undefined, input, ms);
  }
  if (outcome.kind === 'typed') typed++;
  else if (outcome.kind === 'crash' || outcome.kind === 'property') {
    const first = counts[outcome.signature] === undefined;
    const smallest = first ? minimize(target, input, runSeed, outcome.signature) : input;
    report(outcome.kind, index, outcome.signature, outcome.error, smallest, ms);
  }
  if ((index & 0xfff) === 0) heapPeak = Math.max(heapPeak, getHeapStatistics().used_heap_size);
}
Atomics.store(progress, 0, job.to - job.from);
parentPort!.postMessage({
  type: 'done',
  executions: job.to - job.from,
  typed,
  counts,
  heapPeakBytes: Math.max(heapPeak, getHeapStatistics().used_heap_size),
  slowestMs: slowest,
} satisfies DoneMessage);
