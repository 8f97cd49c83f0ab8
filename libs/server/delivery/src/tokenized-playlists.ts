import { withToken } from './playback-token.js';

/** Tokens whose newest playlists are kept (viewers of signed streams; the oldest go first). */
const TOKENS_KEPT = 4096;

interface Kept {
  text: string;
  bytes: Buffer;
}

/**
 * Playlists of signed streams as their viewers get them (the token in every URI), encoded once per rendering
 * and token: every viewer sharing a token (PlaybackSigner rounds expiries so that those who got one in the same
 * step do) and every repeat of one viewer's reload get the same bytes. Per token the newest multivariant and
 * media playlist are kept.
 */
export class TokenizedPlaylists {
  private readonly kept = new Map<string, Kept>();

  constructor(private readonly maxTokens = TOKENS_KEPT) {}

  bytes(kind: 'multivariant' | 'playlist', text: string, token: string): Buffer {
    const key = `${kind} ${token}`;
    const known = this.kept.get(key);
    if (known?.text === text) return known.bytes;
    const bytes = Buffer.from(withToken(text, token));
    if (known === undefined && this.kept.size >= this.maxTokens * 2) {
      const oldest = this.kept.keys().next();
      if (!oldest.done) this.kept.delete(oldest.value);
    }
    this.kept.set(key, { text, bytes });
    return bytes;
  }

  get size(): number {
    return this.kept.size;
  }
}
