import { fileURLToPath } from 'node:url';

/** The repository root, from e2e/dist/support/. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const SERVER_ENTRY = fileURLToPath(new URL('../../../apps/server/dist/main.js', import.meta.url));
/** Screenshots, logs and other things a human may want to look at after a run. */
export const ARTIFACTS_DIR = fileURLToPath(new URL('../../../test-artifacts/', import.meta.url));
