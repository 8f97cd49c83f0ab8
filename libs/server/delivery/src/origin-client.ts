import { PEER_SECRET_HEADER } from './peer-request.js';

/** What the owning node answered. */
export interface OriginAnswer {
  status: number;
  body: Buffer;
}

/** Larger than any init, segment or playlist this server writes; a bigger answer is refused. */
const MAX_BODY_BYTES = 64 * 1024 * 1024;

/**
 * Requests to another node's HLS routes, authenticated with CLUSTER_SECRET. Node's fetch keeps connections
 * to each origin alive, so a part costs one request on an open connection. Time and size are bounded; a
 * failure rejects (the caller answers 502).
 */
export class OriginClient {
  constructor(private readonly secret: string | undefined) {}

  async get(url: string, timeoutMs: number): Promise<OriginAnswer> {
    const response = await fetch(url, {
      headers: this.secret ? { [PEER_SECRET_HEADER]: this.secret } : {},
      redirect: 'error',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const declared = Number(response.headers.get('content-length') ?? 0);
    if (declared > MAX_BODY_BYTES) {
      await response.body?.cancel();
      throw new Error(`origin answer of ${declared} bytes is over the limit`);
    }
    const chunks: Uint8Array[] = [];
    let total = 0;
    for await (const chunk of response.body ?? []) {
      total += chunk.length;
      if (total > MAX_BODY_BYTES) throw new Error('origin answer over the size limit');
      chunks.push(chunk);
    }
    return { status: response.status, body: Buffer.concat(chunks, total) };
  }
}
