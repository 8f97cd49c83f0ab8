// Everything a benchmark starts (processes, temp dirs, databases, servers) is stopped in `finally`, on
// Ctrl-C / SIGTERM, and by a watchdog: one Cleanup per run, undone in reverse order.
import type { ChildProcess } from 'node:child_process';
import { FfmpegPublisher } from '@rapidrtmp/test-support';

/** Cleanups of the runs in progress, for SIGINT/SIGTERM and the watchdog. */
const activeCleanups = new Set<Cleanup>();

/** What one run created; `run()` removes it (last in, first out), each step once. */
export class Cleanup {
  private readonly steps: Array<{ what: string; step: () => Promise<void> | void }> = [];

  constructor() {
    activeCleanups.add(this);
  }

  add(what: string, step: () => Promise<void> | void): void {
    this.steps.push({ what, step });
  }

  async run(): Promise<void> {
    while (this.steps.length > 0) {
      const { what, step } = this.steps.pop()!;
      try {
        await step();
      } catch (error) {
        console.error(`cleanup of ${what} failed: ${(error as Error).message}`);
      }
    }
    activeCleanups.delete(this);
  }
}

/** Stops a child we started (by its pid): `signal`, then SIGKILL after `graceMs`; resolves once it exited. */
export async function stopChild(
  child: ChildProcess,
  signal: NodeJS.Signals = 'SIGTERM',
  graceMs = 5000,
): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(killer);
}

/** Registers `child` with `cleanup` and returns it. */
export function track(
  cleanup: Cleanup,
  what: string,
  child: ChildProcess,
  signal: NodeJS.Signals = 'SIGTERM',
): ChildProcess {
  cleanup.add(what, () => stopChild(child, signal));
  return child;
}

/** N looped `-re -c copy` ffmpeg publishers; returns a function that stops them all (by pid) and waits. */
export function startPublishers(
  cleanup: Cleanup,
  clip: string,
  urls: string[],
): { children: ChildProcess[]; stop: () => Promise<void> } {
  let stopping = false;
  const publishers = urls.map((url, i) => {
    const publisher = FfmpegPublisher.start(url, ['-re', '-stream_loop', '-1', '-i', clip]);
    void publisher.exited.then(({ code, signal, stderr }) => {
      if (!stopping) console.error(`  publisher ${i} exited early (${code ?? signal}): ${stderr.trim().slice(-2000)}`);
    });
    return publisher;
  });
  const stop = async () => {
    stopping = true;
    await Promise.all(publishers.map((publisher) => publisher.stop()));
  };
  cleanup.add('ffmpeg publishers', stop);
  return { children: publishers.map((publisher) => publisher.child), stop };
}

/** Stops everything started so far and exits. */
async function abort(reason: string, code: number): Promise<never> {
  console.error(`${reason}: stopping what this run started`);
  await Promise.all([...activeCleanups].map((cleanup) => cleanup.run()));
  process.exit(code);
}

/**
 * Ctrl-C and kill stop what the benchmark started; a watchdog does the same after `watchdogSeconds`
 * (every wait is bounded already: this only catches the unforeseen). Then runs `main`.
 */
export async function runBenchmark(main: () => Promise<void>, watchdogSeconds: number): Promise<void> {
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => void abort(`interrupted by ${signal}`, 130));
  setTimeout(() => void abort(`watchdog: still running after ${watchdogSeconds} s`, 1), watchdogSeconds * 1000).unref();
  try {
    await main();
  } catch (error) {
    console.error((error as Error).stack ?? error);
    process.exitCode = 1;
  }
}
