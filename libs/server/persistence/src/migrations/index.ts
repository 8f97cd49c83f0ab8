import type { MigrationInterface } from 'typeorm';
import { InitialSchema1764000000000 } from './1764000000000-initial-schema.js';
import { AuthSessions1764000001000 } from './1764000001000-auth-sessions.js';

/** Every migration, oldest first. Run at start-up; `synchronize` is never used outside tests. */
export const MIGRATIONS: Array<new () => MigrationInterface> = [InitialSchema1764000000000, AuthSessions1764000001000];
