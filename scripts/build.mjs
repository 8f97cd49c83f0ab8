#!/usr/bin/env node
// `npm run build`: builds everything (TypeScript, then the dashboard) whether or not it looks current.
// `--changed`: only what changed since the last build (what `npm start` and `npm test` do).
import { build, buildChanged, TARGETS } from './build-targets.mjs';

if (process.argv.includes('--changed')) buildChanged();
else for (const target of TARGETS) build(target);
