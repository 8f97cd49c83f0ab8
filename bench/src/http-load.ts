// A bounded HTTP load generator (like `wrk -c64 -d10s`): C keep-alive connections, each a loop of GETs of
// one URL for S seconds. It runs in a child process of the bench (`httpLoadInChild`), so its CPU is
// measured alone and it does not share an event loop with the bench's relays and clients:
//
//   node bench/dist/http-load.js '{"url":"http://127.0.0.1:8080/x","connections":64,"seconds":10}'
import { type ChildProcess, spawn } from 'node:child_process';
import { Agent, get } from 'node:http';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { sleep } from '@rapidrtmp/test-support';
import { type Cleanup, track } from './bench-lifecycle.js';
import { percentile } from './bench-support.js';

export interface HttpLoadOptions {
  url: string;
  /** Concurrent keep-alive connections, one request loop each. */
  connections: number;
  seconds: number;
  /** Upper bound on requests, whatever the time. */
  maxRequests?: number;
  /** Per request: no answer or no progress for this long counts as an error. */
  timeoutMs?: number;
}

export interface HttpLoadResult {
  url: string;
  connections: number;
  /** Wall time of the request loops. */
  seconds: number;
  /** 200 answers whose body was received in full (content-length bytes). */
  ok: number;
  /** Body bytes of those answers. */
  bytes: number;
  /** Everything else, by kind: `HTTP 404`, `short body`, `ECONNRESET`, `timeout`... */
  errors: Record<string, number>;
  /** Request latency (send to last body byte) of the ok answers, ms. */
  latencyP50: number;
  latencyP99: number;
  /** user + system CPU of the generator process over the loops, seconds. */
  cpuSeconds: number;
}

/** Runs the load in this process. */
export async function httpLoad(options: HttpLoadOptions): Promise<HttpLoadResult> {
  const { url, connections, seconds } = options;
  const maxRequests = options.maxRequests ?? 5_000_000;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const agent = new Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });
  const errors: Record<string, number> = {};
  const latencies: number[] = [];
  let ok = 0;
  let bytes = 0;
  let started = 0;
  const fail = (kind: string) => (errors[kind] = (errors[kind] ?? 0) + 1);

  /** One GET; resolves true for a complete 200. */
  const request = () =>
    new Promise<boolean>((resolve) => {
      const t0 = performance.now();
      let settled = false;
      const settle = (error?: string) => {
        if (settled) return;
        settled = true;
        if (error) fail(error);
        resolve(error === undefined);
      };
      const req = get(url, { agent, timeout: timeoutMs }, (res) => {
        let length = 0;
        res.on('data', (chunk: Buffer) => (length += chunk.length));
        res.on('end', () => {
          const expected = res.headers['content-length'];
          if (res.statusCode !== 200) return settle(`HTTP ${res.statusCode}`);
          if (!res.complete || (expected !== undefined && Number(expected) !== length)) return settle('short body');
          ok++;
          bytes += length;
          latencies.push(performance.now() - t0);
          settle();
        });
        res.on('close', () => settle('connection closed mid-body'));
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (error: NodeJS.ErrnoException) => settle(error.code ?? error.message));
    });

  const cpu0 = process.cpuUsage();
  const start = Date.now();
  const deadline = start + seconds * 1000;
  const loop = async () => {
    while (Date.now() < deadline && started < maxRequests) {
      started++;
      if (!(await request())) await sleep(10); // no hot loop against a refusing server
    }
  };
  await Promise.all(Array.from({ length: connections }, loop));
  const wall = (Date.now() - start) / 1000;
  const cpu = process.cpuUsage(cpu0);
  agent.destroy();
  return {
    url,
    connections,
    seconds: wall,
    ok,
    bytes,
    errors,
    latencyP50: percentile(latencies, 50),
    latencyP99: percentile(latencies, 99),
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  };
}

const READY = 'http-load: started';

/**
 * Runs `httpLoad` in a child node process (stopped by `cleanup` if the run is aborted). `onStart` and
 * `onEnd` are called as the child's loops start and when its result arrives, for sampling the server
 * over the same interval.
 */
export async function httpLoadInChild(
  cleanup: Cleanup,
  options: HttpLoadOptions,
  hooks: { onStart?: () => void; onEnd?: () => void } = {},
): Promise<HttpLoadResult> {
  const child: ChildProcess = spawn(process.execPath, [fileURLToPath(import.meta.url), JSON.stringify(options)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  track(cleanup, 'HTTP load generator', child);
  let output = '';
  return new Promise<HttpLoadResult>((resolve, reject) => {
    const limit = options.seconds + 30;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`HTTP load generator still running ${limit} s after start`));
    }, limit * 1000);
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (text: string) => {
      output += text;
      if (output.startsWith(`${READY}\n`)) {
        output = output.slice(READY.length + 1);
        hooks.onStart?.();
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      hooks.onEnd?.();
      try {
        resolve(JSON.parse(output) as HttpLoadResult);
      } catch {
        reject(new Error(`HTTP load generator exited (${code ?? signal}) without a result: ${output.slice(0, 500)}`));
      }
    });
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const options = JSON.parse(process.argv[2] ?? '{}') as HttpLoadOptions;
  if (!options.url?.startsWith('http://127.0.0.1:') || !(options.connections > 0) || !(options.seconds > 0))
    throw new Error('usage: http-load.js \'{"url":"http://127.0.0.1:<port>/...","connections":64,"seconds":10}\'');
  process.stdout.write(`${READY}\n`);
  const result = await httpLoad({ ...options, seconds: Math.min(options.seconds, 120) });
  process.stdout.write(JSON.stringify(result));
}
