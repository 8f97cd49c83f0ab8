import { timingSafeEqual } from 'node:crypto';

/** The header a node sends to another node's HLS routes; its value is CLUSTER_SECRET. */
export const PEER_SECRET_HEADER = 'x-rapidrtmp-cluster-secret';

/**
 * True when the request comes from another node of the cluster: it then gets playlists without viewer
 * tokens (the edge checked the viewer's token and adds it back) and is not counted as a viewer here.
 */
export function isPeerRequest(
  headers: Record<string, string | string[] | undefined>,
  secret: string | undefined,
): boolean {
  const given = headers[PEER_SECRET_HEADER];
  if (!secret || typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}
