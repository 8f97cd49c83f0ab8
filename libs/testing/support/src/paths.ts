import { fileURLToPath } from 'node:url';

/** The repository root, from libs/testing/support/dist/. */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
/**
 * V8 flags every launch of the server passes (`npm start`, the image's CMD, apps/server's start script, these
 * tests and the benches; tools/checks holds the first three to this list). 4 MB semi-spaces: under sustained
 * load V8 grows the young generation to its maximum (2 x 16 MB by default) and keeps it, a fixed cost that
 * dominates RSS per stream at small N; 2 x 4 MB cost 0.2-0.3 MB less per stream at 10 streams than 2 x 8 MB with
 * no CPU difference measurable in `live-load` (bench/README.md, twelfth round); 2 x 2 MB cost ~1 % of a core.
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4'];
/** The built server (`npm run build` first). */
export const SERVER_ENTRY = fileURLToPath(new URL('../../../../apps/server/dist/main.js', import.meta.url));
