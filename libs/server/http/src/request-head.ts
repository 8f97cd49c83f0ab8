/** A request head read by `parseRequestHead`: a plain HTTP/1.1 GET with no body. */
export interface RequestHead {
  /** The request target (origin form: a path and query, as sent). */
  readonly url: string;
  /** Lower-case names, each once, values trimmed. */
  readonly headers: Readonly<Record<string, string>>;
  /** False when the client asked to close after this answer (`Connection: close`). */
  readonly keepAlive: boolean;
  /** Bytes of the head, its final empty line included: where the next request starts. */
  readonly length: number;
}

/**
 * - `head`: a whole, plain request head.
 * - `incomplete`: no end of the head yet, within the bound.
 * - `other`: anything else (another method or version, a body, an upgrade, a malformed or oversized head):
 *   for a full HTTP parser, which answers or refuses it.
 */
export type RequestHeadParse =
  { readonly kind: 'head'; readonly head: RequestHead } | { readonly kind: 'incomplete' } | { readonly kind: 'other' };

const INCOMPLETE: RequestHeadParse = { kind: 'incomplete' };
const OTHER: RequestHeadParse = { kind: 'other' };

const HEAD_END = Buffer.from('\r\n\r\n');
/** `GET <origin-form target of visible ASCII> HTTP/1.1`. */
const REQUEST_LINE = /^GET (\/[\x21-\x7e]*) HTTP\/1\.1$/;
/** A token name, a colon, and a value of visible ASCII, spaces and tabs (RFC 9110 5.5, no obs-text). */
const HEADER_LINE = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*([\x20-\x7e\t]*)$/;
/** Headers that frame a body or change the protocol: a request carrying one is not plain. */
const NOT_PLAIN = new Set(['content-length', 'transfer-encoding', 'upgrade', 'expect', 'http2-settings']);

/**
 * Reads one request head from the start of `bytes` when it is the plain case a small fast path can answer:
 * `GET` of an origin-form target over HTTP/1.1, CRLF line ends, each header once and well formed, a Host,
 * no body and no upgrade. Everything else is `other`, never guessed at: no lenient parsing that another
 * parser in front (a proxy) could read differently. Pure; O(head length).
 */
export function parseRequestHead(bytes: Buffer, maxHeadBytes: number): RequestHeadParse {
  const end = bytes.indexOf(HEAD_END);
  if (end < 0) return bytes.length >= maxHeadBytes ? OTHER : INCOMPLETE;
  const length = end + HEAD_END.length;
  if (length > maxHeadBytes) return OTHER;
  const lines = bytes.toString('latin1', 0, end).split('\r\n');
  const requestLine = REQUEST_LINE.exec(lines[0] ?? '');
  if (!requestLine) return OTHER;
  const headers: Record<string, string> = Object.create(null) as Record<string, string>;
  for (let i = 1; i < lines.length; i++) {
    const header = HEADER_LINE.exec(lines[i] ?? '');
    if (!header) return OTHER; // a bare CR or LF, obs-fold, a bad name or byte
    const name = (header[1] ?? '').toLowerCase();
    if (name in headers || NOT_PLAIN.has(name)) return OTHER;
    headers[name] = (header[2] ?? '').trimEnd();
  }
  if (headers.host === undefined) return OTHER;
  const connection = headers.connection?.toLowerCase();
  if (connection !== undefined && connection !== 'keep-alive' && connection !== 'close') return OTHER;
  return { kind: 'head', head: { url: requestLine[1] ?? '/', headers, keepAlive: connection !== 'close', length } };
}
