import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPO_ROOT, ServerProcess } from '@rapidrtmp/test-support';

describe('libs/contracts', { timeout: 60_000 }, () => {
  let server: ServerProcess;
  before(async () => {
    server = await ServerProcess.start();
  });
  after(async () => {
    await server?.stop();
  });

  it('holds the OpenAPI document the server serves (run `npm run build && npm run contracts` after API changes)', async () => {
    const served = await (await fetch(`${server.baseUrl}/api/openapi.json`)).json();
    const committed = JSON.parse(readFileSync(join(REPO_ROOT, 'libs/contracts/openapi.json'), 'utf8'));
    assert.deepEqual(committed, served);
  });

  it('generates types for every schema of the document', () => {
    const committed = JSON.parse(readFileSync(join(REPO_ROOT, 'libs/contracts/openapi.json'), 'utf8'));
    const types = readFileSync(join(REPO_ROOT, 'libs/contracts/src/schema.ts'), 'utf8');
    for (const schema of Object.keys(committed.components.schemas))
      assert.match(types, new RegExp(`\\b${schema}: \\{`), schema);
    for (const path of Object.keys(committed.paths))
      assert.ok(types.includes(`'${path}': {`) || types.includes(`"${path}": {`), path);
  });
});
