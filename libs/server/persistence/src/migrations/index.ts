import { InitialSchema1764000000000 } from './1764000000000-initial-schema.js';

/** Every migration, oldest first. Run at start-up; `synchronize` is never used outside tests. */
export const MIGRATIONS = [InitialSchema1764000000000];
