// What `npm run build` makes and from which inputs, so `npm start` can tell in milliseconds whether a
// build is current (newest input older than the stamp the last build wrote) instead of rebuilding.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = new URL('..', import.meta.url).pathname;

const SKIP = new Set(['node_modules', 'dist', 'out', '.next', 'fixtures', 'test-artifacts']);
const SHARED_INPUTS = ['package.json', 'package-lock.json', 'tsconfig.base.json', 'tsconfig.json'];

const TSC = ['node', 'node_modules/typescript/bin/tsc', '-b'];

/** In build order: the dashboard imports the compiled contracts. */
export const TARGETS = [
  {
    name: 'server',
    inputs: ['apps/server', 'libs', ...SHARED_INPUTS],
    output: 'apps/server/dist/main.js',
    stamp: 'apps/server/dist/.build-stamp',
    command: [...TSC, 'apps/server', 'libs/contracts'],
  },
  {
    name: 'dashboard',
    inputs: ['apps/dashboard', 'libs/contracts', ...SHARED_INPUTS],
    output: 'apps/dashboard/out/index.html',
    // Not in out/: that folder is served to browsers.
    stamp: 'apps/dashboard/.next/.build-stamp',
    command: ['npm', 'run', 'build', '--silent', '-w', '@rapidrtmp/dashboard'],
  },
  {
    name: 'tests and benchmarks',
    inputs: ['e2e', 'bench', 'tools', 'apps/server', 'apps/dashboard/src/lib', 'libs', ...SHARED_INPUTS],
    output: 'e2e/dist/module-boundaries.spec.js',
    stamp: 'e2e/dist/.build-stamp',
    // The dashboard's pure modules with Node specs build apart from Next.js; not a reference of the root
    // tsconfig, which `nx sync` keeps to the project graph.
    command: [...TSC, 'tsconfig.json', 'apps/dashboard/tsconfig.spec.json'],
  },
];

/** What the server needs to run (`npm start`); the rest only matters to tests. */
export const SERVER_TARGETS = TARGETS.slice(0, 2);

/** Newest modification time (ms) of the files under `path`, skipping build outputs and dependencies. */
function newestMtime(path) {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (SKIP.has(entry.name) || entry.name.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(join(path, entry.name)));
  }
  return newest;
}

/** True when the target's output or stamp is missing, or the stamp is older than one of its inputs. */
export function isStale(target) {
  const stamp = join(ROOT, target.stamp);
  if (!existsSync(stamp) || !existsSync(join(ROOT, target.output))) return true;
  const built = statSync(stamp).mtimeMs;
  return target.inputs.some((input) => newestMtime(join(ROOT, input)) > built);
}

/** Builds the target and stamps it; exits the process with the build's status when it fails. */
export function build(target) {
  const started = Date.now();
  const [command, ...args] = target.command;
  const result = spawnSync(command === 'node' ? process.execPath : command, args, { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`rapidrtmp: building ${target.name} failed`);
    process.exit(result.status ?? 1);
  }
  // Dated when the build began: a file saved during the build is newer, so the next start rebuilds.
  const stamp = join(ROOT, target.stamp);
  writeFileSync(stamp, `${new Date(started).toISOString()}\n`);
  utimesSync(stamp, new Date(started), new Date(started));
}

/** Builds the targets whose inputs changed since their last build. */
export function buildChanged(targets = TARGETS) {
  for (const target of targets) {
    if (!isStale(target)) continue;
    console.error(`rapidrtmp: building ${target.name} (sources changed since the last build)`);
    build(target);
  }
}
