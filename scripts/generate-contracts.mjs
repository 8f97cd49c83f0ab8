#!/usr/bin/env node
// Regenerates libs/contracts from the running server's OpenAPI document:
//   libs/contracts/openapi.json   the document as the server serves it
//   libs/contracts/src/schema.ts  TypeScript types (openapi-typescript)
// Usage: npm run build && npm run contracts. A test fails when the committed files drift from the server.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';

const root = new URL('..', import.meta.url).pathname;

const freePort = () =>
  new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

const dataDir = mkdtempSync(join(tmpdir(), 'rr-contracts-'));
const [httpPort, rtmpPort] = [await freePort(), await freePort()];
const server = spawn(process.execPath, [join(root, 'apps/server/dist/main.js')], {
  env: {
    ...process.env,
    DATABASE_URL: '',
    HTTP_PORT: String(httpPort),
    RTMP_PORT: String(rtmpPort),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
  },
  stdio: 'ignore',
});
try {
  let document;
  for (let attempt = 0; attempt < 300 && !document; attempt++) {
    try {
      const response = await fetch(`http://127.0.0.1:${httpPort}/api/openapi.json`);
      if (response.ok) document = await response.json();
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  if (!document) throw new Error('the server did not serve /api/openapi.json');
  writeFileSync(join(root, 'libs/contracts/openapi.json'), `${JSON.stringify(document, null, 2)}\n`);
  const types = astToString(await openapiTS(document, { alphabetize: true }));
  writeFileSync(
    join(root, 'libs/contracts/src/schema.ts'),
    `// Generated from libs/contracts/openapi.json by scripts/generate-contracts.mjs. Do not edit.\n/* eslint-disable */\n${types}`,
  );
  console.log(
    `contracts: ${Object.keys(document.paths).length} paths, ${Object.keys(document.components.schemas).length} schemas`,
  );
} finally {
  server.kill('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
}
