import { fileURLToPath } from 'node:url';

/** The repository root, from libs/testing/support/dist/. */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
/**
 * V8 flags every launch of the server passes (`npm start`, the image's CMD, apps/server's start script, these
 * tests and the benches; tools/checks holds the first three to this list). 8 MB semi-spaces: under sustained
 * load V8 grows the young generation to its maximum (2 x 16 MB by default) and keeps it; capped at 2 x 8 MB,
 * 25 streams cost 1.9-2.2 instead of 2.4-2.5 MB of RSS each, for no CPU or delivery cost measurable in
 * `live-load` (bench/README.md, eleventh round; 4 MB cost CPU with viewers in the tenth).
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=8'];
/** The built server (`npm run build` first). */
export const SERVER_ENTRY = fileURLToPath(new URL('../../../../apps/server/dist/main.js', import.meta.url));
