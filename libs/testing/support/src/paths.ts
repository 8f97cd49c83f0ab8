import { fileURLToPath } from 'node:url';

/** The repository root, from libs/testing/support/dist/. */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
/** The built server (`npm run build` first). */
export const SERVER_ENTRY = fileURLToPath(new URL('../../../../apps/server/dist/main.js', import.meta.url));
