import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '@rapidrtmp/test-support';

/** The corpus kept in the repo: `bench/fuzz-corpus/<target>/`, seed inputs plus minimized findings. */
export const CORPUS_DIR = join(REPO_ROOT, 'bench', 'fuzz-corpus');

/** A fixture of one of the media libraries (`libs/media/<lib>/fixtures/<name>`): real captured bytes. */
export function mediaFixture(lib: string, name: string): Buffer {
  return readFileSync(join(REPO_ROOT, 'libs', 'media', lib, 'fixtures', name));
}

/** Every file of the target's corpus folder (none when it has no folder). */
export function corpusSeeds(target: string): Buffer[] {
  const dir = join(CORPUS_DIR, target);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => !name.startsWith('.') && name !== 'README.md')
    .sort()
    .map((name) => readFileSync(join(dir, name)));
}

/** Keeps a finding next to the seeds, named by kind and content, so later runs start from it. */
export function saveFinding(target: string, kind: string, input: Buffer): string {
  const dir = join(CORPUS_DIR, target);
  mkdirSync(dir, { recursive: true });
  const name = `finding-${kind}-${createHash('sha1').update(input).digest('hex').slice(0, 12)}.bin`;
  writeFileSync(join(dir, name), input);
  return join('bench', 'fuzz-corpus', target, name);
}
