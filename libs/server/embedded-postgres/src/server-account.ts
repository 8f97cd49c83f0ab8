import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';

/** The unprivileged account PostgreSQL runs as when the server runs as root (PostgreSQL refuses root). */
export interface ServerAccount {
  uid: number;
  gid: number;
  name: string;
}

/**
 * `undefined` when the server is not root (PostgreSQL runs as the server's own user). As root: the owner of
 * an existing cluster (it must keep running as the user that created it), else the `postgres` account if
 * the machine has one, else `nobody`.
 */
export function serverAccount(clusterDir: string): ServerAccount | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const owner = statOwner(clusterDir);
  if (owner && owner.uid !== 0) return { ...owner, name: String(owner.uid) };
  return lookupAccount('postgres') ?? lookupAccount('nobody') ?? fail();
}

function statOwner(path: string): { uid: number; gid: number } | undefined {
  try {
    const stat = statSync(path);
    return { uid: stat.uid, gid: stat.gid };
  } catch {
    return undefined;
  }
}

function lookupAccount(name: string): ServerAccount | undefined {
  try {
    const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
    const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
    return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid, name } : undefined;
  } catch {
    return undefined;
  }
}

function fail(): never {
  throw new Error(
    'the server runs as root and PostgreSQL refuses to: no `postgres` or `nobody` account to run it as. Run as a normal user or set DATABASE_URL',
  );
}
