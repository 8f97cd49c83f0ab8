import { readFileSync } from 'node:fs';

export interface BuildInfo {
  name: string;
  version: string;
}

/** Read from the server package's package.json, which ships next to `dist/` in every build and image. */
export function readBuildInfo(): BuildInfo {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return { name: 'rapidrtmp', version: pkg.version };
}
