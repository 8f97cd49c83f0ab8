import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { createProjectGraphAsync } from '@nx/devkit';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { REPO_ROOT } from '@rapidrtmp/test-support';

/**
 * Lints `code` as if it lived at `file` (the file need not exist) and returns the rule ids that fired.
 * Without type information: the project service only knows files on disk, and these rules need none.
 */
async function violations(file: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: REPO_ROOT, overrideConfig: tseslint.configs.disableTypeChecked });
  const [result] = await eslint.lintText(code, { filePath: join(REPO_ROOT, file) });
  return result!.messages.filter((m) => m.severity === 2).map((m) => `${m.ruleId}: ${m.message}`);
}

describe('module boundaries (apps -> libs/server -> libs/media)', { timeout: 60_000 }, () => {
  // The rule reads Nx's cached project graph and silently skips itself without one (a fresh clone has
  // none until some nx command ran): compute it here, current with the tree under test.
  before(async () => {
    process.env.NX_DAEMON = 'false';
    await createProjectGraphAsync({ exitOnError: false });
  });

  it('forbid media code from importing server libs, Nest, TypeORM or I/O', async () => {
    const found = await violations(
      'libs/media/amf/src/boundary-probe.ts',
      [
        `import { AppConfig } from '@rapidrtmp/server-config';`,
        `import { Injectable } from '@nestjs/common';`,
        `import { DataSource } from 'typeorm';`,
        `import { createServer } from 'node:net';`,
        `export const probe = [AppConfig, Injectable, DataSource, createServer];`,
      ].join('\n'),
    );
    assert.equal(found.length, 4, found.join('\n'));
    assert.match(
      found[0]!,
      /@nx\/enforce-module-boundaries: A project tagged with "scope:media" can only depend on libs tagged with "scope:media"/,
    );
    assert.match(found[1]!, /not allowed to import "@nestjs\/common"/);
    assert.match(found[2]!, /not allowed to import "typeorm"/);
    assert.match(found[3]!, /no-restricted-imports: 'node:net' import is restricted/);
  });

  it('forbid server libs from importing the app', async () => {
    const found = await violations(
      'libs/server/config/src/boundary-probe.ts',
      `import { AppModule } from '@rapidrtmp/server';\nexport const probe = AppModule;\n`,
    );
    assert.equal(found.length, 1, found.join('\n'));
    // The app depends on every server lib, so the rule reports the cycle this import would close.
    assert.match(
      found[0]!,
      /@nx\/enforce-module-boundaries: (Circular dependency between "@rapidrtmp\/server-config" and "@rapidrtmp\/server"|.*can only depend on)/,
    );
  });

  it('keep the shared test helpers out of server code, but not out of its specs', async () => {
    const probe = `import { waitFor } from '@rapidrtmp/test-support';\nexport const probe = waitFor;\n`;
    const found = await violations('libs/server/webhooks/src/boundary-probe.ts', probe);
    assert.equal(found.length, 1, found.join('\n'));
    assert.match(found[0]!, /@nx\/enforce-module-boundaries: A project tagged with "scope:server" can only depend on/);
    assert.deepEqual(await violations('libs/server/webhooks/src/boundary-probe.spec.ts', probe), []);
  });

  it('allow the intended direction', async () => {
    assert.deepEqual(
      await violations(
        'libs/server/config/src/boundary-probe.ts',
        `import { MediaFormatError } from '@rapidrtmp/media-core';\nexport const probe = MediaFormatError;\n`,
      ),
      [],
    );
    assert.deepEqual(
      await violations(
        'apps/server/src/boundary-probe.ts',
        `import { loadConfig } from '@rapidrtmp/server-config';\nimport { ByteReader } from '@rapidrtmp/media-core';\nexport const probe = [loadConfig, ByteReader];\n`,
      ),
      [],
    );
  });
});
