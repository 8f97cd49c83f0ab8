import { join } from 'node:path';
import { REPO_ROOT } from '@rapidrtmp/test-support';

/** Screenshots, logs and other things a human may want to look at after a run. */
export const ARTIFACTS_DIR = join(REPO_ROOT, 'test-artifacts/');
