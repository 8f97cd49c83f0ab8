#!/usr/bin/env node
// `npm start`: builds only what changed since the last build (on a built tree that is a stat walk of the
// sources, a few milliseconds), then runs the server in this process.
import { buildChanged, ROOT, SERVER_TARGETS } from './build-targets.mjs';

buildChanged(SERVER_TARGETS);
await import(new URL('apps/server/dist/main.js', `file://${ROOT}`).href);
