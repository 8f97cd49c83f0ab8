// Long seeded-mutation fuzzing of every parser that takes bytes or strings from the network (not run by
// `npm test`). Usage: node bench/dist/fuzz/long-fuzz.js [--count N] [--targets a,b] [--seed S]
//   [--hang-ms MS] [--jobs J] [--no-save] [--list] [--replay target:index]
import { Worker } from 'node:worker_threads';
import { parseArgs } from 'node:util';
import { execute } from './fuzz-execution.js';
import { executionInput } from './fuzz-input.js';
import { saveFinding } from './fuzz-corpus.js';
import type { DoneMessage, FindingMessage, WorkerJob } from './fuzz-worker.js';
import { TARGETS } from './targets/index.js';
import type { FuzzTarget } from './fuzz-target.js';

interface Options {
  count: number;
  seed: number;
  hangMs: number;
  jobs: number;
  save: boolean;
}

interface TargetResult {
  name: string;
  executions: number;
  seconds: number;
  typed: number;
  crashes: number;
  properties: number;
  hangs: number;
  heapPeakMb: number;
  rssPeakMb: number;
  slowestMs: number;
  findings: FindingMessage[];
}

const MB = 1024 * 1024;
const POLL_MS = 250;
const PROGRESS_EVERY_MS = 60_000;
/** A worker whose progress counter stands still this long is stuck (far above --hang-ms: the machine may be loaded). */
const watchdogMs = (hangMs: number) => Math.max(10 * hangMs, 10_000);
/** Each worker's V8 old space: a target that leaks or balloons runs out here instead of taking the machine. */
const WORKER_HEAP_MB = 768;
/** Each hang costs a watchdog period twice (the run and the confirmation): a target stops after this many. */
const MAX_HANGS = 5;

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** Runs executions [from, to) of one target in a worker; resolves when they are done or the worker is stuck/dead. */
function runSlice(
  target: FuzzTarget,
  options: Options,
  from: number,
  to: number,
  onProgress: (done: number) => void,
): Promise<{ done?: DoneMessage; findings: FindingMessage[]; stoppedAt?: { index: number; why: string } }> {
  const progress = new SharedArrayBuffer(4);
  const counter = new Int32Array(progress);
  const job: WorkerJob = { target: target.name, seed: options.seed, from, to, hangMs: options.hangMs, progress };
  const worker = new Worker(new URL('./fuzz-worker.js', import.meta.url), {
    workerData: job,
    resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
  });
  const findings: FindingMessage[] = [];
  return new Promise((resolve) => {
    let last = -1;
    let lastMovedAt = Date.now();
    let settled = false;
    const finish = (result: Parameters<typeof resolve>[0]) => {
      if (settled) return;
      settled = true;
      clearInterval(timer);
      resolve(result);
    };
    const timer = setInterval(() => {
      const done = Atomics.load(counter, 0);
      onProgress(done);
      if (done !== last) {
        last = done;
        lastMovedAt = Date.now();
      } else if (Date.now() - lastMovedAt > watchdogMs(options.hangMs)) {
        void worker.terminate();
        finish({ findings, stoppedAt: { index: from + done, why: 'stuck' } });
      }
    }, POLL_MS);
    worker.on('message', (message: FindingMessage | DoneMessage) => {
      if (message.type === 'finding') findings.push(message);
      else finish({ done: message, findings });
    });
    worker.on('error', (error) => {
      finish({ findings, stoppedAt: { index: from + Atomics.load(counter, 0), why: `worker died: ${error.message}` } });
    });
    worker.on('exit', () =>
      finish({ findings, stoppedAt: { index: from + Atomics.load(counter, 0), why: 'worker exited' } }),
    );
  });
}

/** The input of a stuck execution, re-run alone in a fresh worker: a hang only if it is stuck again. */
async function confirmStuck(target: FuzzTarget, options: Options, index: number): Promise<boolean> {
  const again = await runSlice(target, options, index, index + 1, () => undefined);
  return again.stoppedAt !== undefined;
}

async function fuzzTarget(target: FuzzTarget, options: Options): Promise<TargetResult> {
  const result: TargetResult = {
    name: target.name,
    executions: 0,
    seconds: 0,
    typed: 0,
    crashes: 0,
    properties: 0,
    hangs: 0,
    heapPeakMb: 0,
    rssPeakMb: 0,
    slowestMs: 0,
    findings: [],
  };
  const seeds = target.seeds();
  const started = performance.now();
  let lastPrinted = Date.now();
  let from = 0;
  let stuckHangs = 0;
  // Bounded: every pass either finishes the range or moves `from` past the execution that stopped it.
  while (from < options.count) {
    const sliceFrom = from;
    const slice = await runSlice(target, options, from, options.count, (done) => {
      result.rssPeakMb = Math.max(result.rssPeakMb, process.memoryUsage.rss() / MB);
      if (Date.now() - lastPrinted > PROGRESS_EVERY_MS) {
        lastPrinted = Date.now();
        const executed = sliceFrom + done;
        const rate = executed / ((performance.now() - started) / 1000);
        log(
          `  ${target.name}: ${executed.toLocaleString('en')} / ${options.count.toLocaleString('en')} (${Math.round(rate).toLocaleString('en')}/s)`,
        );
      }
    });
    for (const finding of slice.findings) record(result, target, finding, options);
    if (slice.done) {
      result.typed += slice.done.typed;
      result.heapPeakMb = Math.max(result.heapPeakMb, slice.done.heapPeakBytes / MB);
      result.slowestMs = Math.max(result.slowestMs, slice.done.slowestMs);
      for (const [signature, count] of Object.entries(slice.done.counts)) {
        const finding = result.findings.find((f) => f.signature === signature);
        if (finding) finding.occurrences = count;
      }
      from = options.count;
      break;
    }
    const { index, why } = slice.stoppedAt!;
    const stuck = why === 'stuck' ? await confirmStuck(target, options, index) : true;
    if (stuck) {
      if (why === 'stuck') stuckHangs++;
      const { input } = executionInput(seeds, options.seed, index, target.maxInputBytes);
      const kind = why === 'stuck' ? 'hang' : 'crash';
      record(
        result,
        target,
        {
          type: 'finding',
          kind,
          index,
          signature: `${kind}: ${target.name}: ${why}`,
          message: why,
          stack: '',
          input: new Uint8Array(input),
          occurrences: 1,
          ms: watchdogMs(options.hangMs),
        },
        options,
      );
    }
    from = index + 1;
    if (stuckHangs >= MAX_HANGS) {
      log(`  ${target.name}: ${MAX_HANGS} hangs, stopping this target at ${from.toLocaleString('en')}`);
      break;
    }
  }
  result.executions = from;
  result.seconds = (performance.now() - started) / 1000;
  result.rssPeakMb = Math.max(result.rssPeakMb, process.memoryUsage.rss() / MB);
  return result;
}

function record(result: TargetResult, target: FuzzTarget, finding: FindingMessage, options: Options): void {
  // A worker restarted after a hang meets the same bugs again: one report (and corpus file) per signature.
  const known = result.findings.find((f) => f.signature === finding.signature);
  if (known) {
    known.occurrences += finding.occurrences;
    return;
  }
  result.findings.push(finding);
  if (finding.kind === 'crash') result.crashes++;
  else if (finding.kind === 'property') result.properties++;
  else result.hangs++;
  const saved = options.save ? saveFinding(target.name, finding.kind, Buffer.from(finding.input)) : '(not saved)';
  log(`  FINDING ${target.name} #${finding.index} ${finding.kind}: ${finding.signature}`);
  log(
    `    input (${finding.input.length} B, minimized) ${saved}: ${Buffer.from(finding.input).toString('hex').slice(0, 200)}`,
  );
  if (finding.stack) log(`    ${finding.stack.split('\n').slice(0, 6).join('\n    ')}`);
}

function printTable(results: TargetResult[], options: Options): void {
  const header = [
    'target',
    'executions',
    'exec/s',
    'typed errors',
    'crashes',
    'property',
    'hangs',
    'slowest ms',
    'heap peak MB',
    'RSS peak MB',
  ];
  const rows = results.map((r) => [
    r.name,
    r.executions.toLocaleString('en'),
    Math.round(r.executions / r.seconds).toLocaleString('en'),
    `${((100 * r.typed) / Math.max(1, r.executions)).toFixed(1)} %`,
    String(r.crashes),
    String(r.properties),
    String(r.hangs),
    r.slowestMs.toFixed(1),
    r.heapPeakMb.toFixed(0),
    r.rssPeakMb.toFixed(0),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  log('');
  log(
    `seed ${options.seed}, ${options.count.toLocaleString('en')} executions per target, hang = one execution over ${options.hangMs} ms`,
  );
  log(line(header));
  log(`|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  for (const row of rows) log(line(row));
  log(`process peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
}

function replay(spec: string, options: Options): number {
  const [name, index] = spec.split(':');
  const target = TARGETS.find((t) => t.name === name);
  if (!target || !/^\d+$/.test(index ?? '')) throw new Error(`--replay wants target:index, got ${spec}`);
  const { input, runSeed } = executionInput(target.seeds(), options.seed, Number(index), target.maxInputBytes);
  log(`input ${input.toString('hex')}`);
  const outcome = execute(target, input, runSeed);
  log(
    outcome.kind === 'crash' || outcome.kind === 'property' ? `${outcome.kind}: ${outcome.error.stack}` : outcome.kind,
  );
  return outcome.kind === 'crash' || outcome.kind === 'property' ? 1 : 0;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      count: { type: 'string', default: '10000000' },
      targets: { type: 'string' },
      seed: { type: 'string', default: '1592594' },
      'hang-ms': { type: 'string', default: '1000' },
      jobs: { type: 'string', default: '1' },
      'no-save': { type: 'boolean', default: false },
      list: { type: 'boolean', default: false },
      replay: { type: 'string' },
    },
  });
  const options: Options = {
    count: Number(values.count),
    seed: Number(values.seed) >>> 0,
    hangMs: Number(values['hang-ms']),
    jobs: Math.max(1, Math.floor(Number(values.jobs))),
    save: !values['no-save'],
  };
  if (!Number.isSafeInteger(options.count) || options.count < 1 || options.count > 2 ** 31 - 2) {
    throw new Error(`--count ${values.count}: a whole number from 1 to 2^31 - 2`);
  }
  if (values.list) {
    for (const t of TARGETS) log(`${t.name.padEnd(18)} ${t.description}`);
    return 0;
  }
  if (values.replay) return replay(values.replay, options);
  const wanted = values.targets?.split(',').map((s) => s.trim());
  const unknown = wanted?.filter((name) => !TARGETS.some((t) => t.name === name)) ?? [];
  if (unknown.length > 0) throw new Error(`unknown targets: ${unknown.join(', ')} (see --list)`);
  const targets = TARGETS.filter((t) => !wanted || wanted.includes(t.name));

  log(
    `long fuzz: ${targets.length} targets x ${options.count.toLocaleString('en')} executions, ${options.jobs} at a time, seed ${options.seed}`,
  );
  const results: TargetResult[] = [];
  const queue = [...targets];
  await Promise.all(
    Array.from({ length: Math.min(options.jobs, queue.length) }, async () => {
      for (let target = queue.shift(); target; target = queue.shift()) {
        const result = await fuzzTarget(target, options);
        results.push(result);
        log(
          `${result.name}: ${result.executions.toLocaleString('en')} executions in ${result.seconds.toFixed(0)} s ` +
            `(${Math.round(result.executions / result.seconds).toLocaleString('en')}/s), ` +
            `findings: ${result.crashes} crashes, ${result.properties} property violations, ${result.hangs} hangs`,
        );
      }
    }),
  );
  results.sort((a, b) => targets.findIndex((t) => t.name === a.name) - targets.findIndex((t) => t.name === b.name));
  printTable(results, options);
  const findings = results.reduce((n, r) => n + r.crashes + r.properties + r.hangs, 0);
  log(findings === 0 ? 'no findings' : `${findings} findings`);
  return findings === 0 ? 0 : 1;
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
