import { mkdirSync } from 'node:fs';
import { ARTIFACTS_DIR } from './paths.js';

export { launchChromium } from '@rapidrtmp/test-support/browser';

/** Where a test keeps screenshots for humans to look at. */
export function artifactPath(name: string): string {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  return `${ARTIFACTS_DIR}${name}`;
}
