#!/usr/bin/env node
// Runs every compiled spec (`**/dist/**/*.spec.js`) with Node's test runner and ends with the one
// summary line CI reads: `N passed, N failed`. Usage: node scripts/run-tests.mjs [path-filter ...]
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const roots = ['libs', 'apps', 'e2e', 'tools'];
const filters = process.argv.slice(2);

function findSpecs(dir, out) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) findSpecs(path, out);
    else if (name.endsWith('.spec.js') && path.includes('/dist/')) out.push(path);
  }
  return out;
}

const specs = roots
  .flatMap((r) => findSpecs(join(root, r), []))
  .map((p) => relative(root, p))
  .filter((p) => filters.length === 0 || filters.some((f) => p.includes(f)))
  .sort();

if (specs.length === 0) {
  console.error('no spec files found: run `npm run build` first');
  process.exit(1);
}

const concurrency = process.env.TEST_CONCURRENCY ?? '2';
const child = spawn(
  process.execPath,
  ['--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...specs],
  { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NODE_ENV: 'test' } },
);

let passed = 0;
let failed = 0;
// The summary lines come before the list of failing tests, which can be long: read them from the whole output.
let output = '';
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  output += chunk.toString();
});
child.on('close', (code) => {
  passed = Number([...output.matchAll(/^ℹ pass (\d+)$/gm)].pop()?.[1] ?? 0);
  failed = Number([...output.matchAll(/^ℹ fail (\d+)$/gm)].pop()?.[1] ?? 0);
  if (code !== 0 && failed === 0) failed = 1;
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(code ?? 1);
});
