import { PEER_SECRET_HEADER } from './peer-request.js';

/** What the other node answered. */
export interface PeerAnswer {
  status: number;
  body: Buffer;
}

/** Larger than any init, segment or playlist this server writes; a bigger answer is refused. */
const MAX_BODY_BYTES = 64 * 1024 * 1024;

/**
 * Requests to another node (HLS routes, internal API), authenticated with CLUSTER_SECRET. Node's fetch keeps
 * connections to each node alive, so a part costs one request on an open connection. Time and size are
 * bounded; a failure rejects.
 */
export class PeerClient {
  constructor(private readonly secret: string | undefined) {}

  async get(url: string, timeoutMs: number): Promise<PeerAnswer> {
    const response = await fetch(url, {
      headers: this.secret ? { [PEER_SECRET_HEADER]: this.secret } : {},
      redirect: 'error',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const declared = Number(response.headers.get('content-length') ?? 0);
    if (declared > MAX_BODY_BYTES) {
      await response.body?.cancel();
      throw new Error(`answer of ${declared} bytes is over the limit`);
    }
    const chunks: Uint8Array[] = [];
    let total = 0;
    for await (const part of response.body ?? []) {
      const chunk = part as Uint8Array; // fetch bodies are byte streams (the iterator is typed any)
      total += chunk.length;
      if (total > MAX_BODY_BYTES) throw new Error('answer over the size limit');
      chunks.push(chunk);
    }
    return { status: response.status, body: Buffer.concat(chunks, total) };
  }
}

/** JSON from another node's internal API; rejects unless it answered 200. */
export async function getPeerJson<T>(client: PeerClient, url: string, timeoutMs: number): Promise<T> {
  const answer = await client.get(url, timeoutMs);
  if (answer.status !== 200) throw new Error(`${url} answered ${answer.status}`);
  return JSON.parse(answer.body.toString('utf8')) as T;
}
