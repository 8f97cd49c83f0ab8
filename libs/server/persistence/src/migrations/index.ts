import type { MigrationInterface } from 'typeorm';
import { InitialSchema1764000000000 } from './1764000000000-initial-schema.js';
import { AuthSessions1764000001000 } from './1764000001000-auth-sessions.js';
import { Webhooks1764000002000 } from './1764000002000-webhooks.js';
import { Recordings1764000003000 } from './1764000003000-recordings.js';
import { Cluster1764000004000 } from './1764000004000-cluster.js';
import { PlaylistStates1764000005000 } from './1764000005000-playlist-states.js';
import { ApiTokenParents1764000006000 } from './1764000006000-api-token-parents.js';
import { PushTargets1764000007000 } from './1764000007000-push-targets.js';
import { LoginLimits1764000008000 } from './1764000008000-login-limits.js';

/** Every migration, oldest first. Run at start-up; `synchronize` is never used outside tests. */
export const MIGRATIONS: Array<new () => MigrationInterface> = [
  InitialSchema1764000000000,
  AuthSessions1764000001000,
  Webhooks1764000002000,
  Recordings1764000003000,
  Cluster1764000004000,
  PlaylistStates1764000005000,
  ApiTokenParents1764000006000,
  PushTargets1764000007000,
  LoginLimits1764000008000,
];
