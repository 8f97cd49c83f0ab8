import { STATUS_CODES } from 'node:http';

let dateSecond = -1;
let dateText = '';

/** The `Date` header's value (IMF-fixdate), made once a second as Node's HTTP server makes it. */
export function httpDate(now = Date.now()): string {
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(second * 1000).toUTCString();
  }
  return dateText;
}

/** How the connection goes on after a response: kept for `keepAliveSeconds`, or closed. */
export type ConnectionAfter = { readonly keepAliveSeconds: number } | 'close';

/** A name or value that would end a header line early (response splitting). */
const LINE_BREAK = /[\r\n]/;

/**
 * Writes HTTP/1.1 response heads for flat `[name, value, ...]` header lists, as Node's `writeHead` would,
 * with Content-Length, Date and Connection. `trailing` (the edge's own headers) follow every list. A list
 * is checked and serialized once per array: lanes keep theirs as constants, so most heads are a few joins.
 */
export class ResponseHeads {
  private readonly blocks = new WeakMap<readonly string[], string>();
  private readonly statusLines = new Map<number, string>();
  private readonly wholes = new WeakMap<
    Buffer,
    { status: number; headers: readonly string[]; keepAliveSeconds: number; date: string; bytes: Buffer }
  >();

  constructor(private readonly trailing: readonly string[]) {}

  /** Throws on a header that would break the block, as `writeHead` does. */
  head(status: number, headers: readonly string[], length: number, after: ConnectionAfter): string {
    const connection =
      after === 'close'
        ? 'connection: close\r\n'
        : `connection: keep-alive\r\nkeep-alive: timeout=${after.keepAliveSeconds}\r\n`;
    return `${this.statusLine(status)}${this.block(headers)}content-length: ${length}\r\ndate: ${httpDate()}\r\n${connection}\r\n`;
  }

  /**
   * The whole response (head and body) as one buffer, for a small body a lane answers many clients with
   * (a playlist rendering): built once per body, status, header list, keep-alive and second (the Date), then
   * written as it is. Throws as `head` does.
   */
  whole(status: number, headers: readonly string[], body: Buffer, keepAliveSeconds: number): Buffer {
    const date = httpDate();
    const known = this.wholes.get(body);
    if (
      known?.date === date &&
      known.status === status &&
      known.headers === headers &&
      known.keepAliveSeconds === keepAliveSeconds
    )
      return known.bytes;
    const head = this.head(status, headers, body.length, { keepAliveSeconds });
    const bytes = Buffer.allocUnsafe(head.length + body.length);
    bytes.write(head, 0, 'latin1');
    body.copy(bytes, head.length);
    this.wholes.set(body, { status, headers, keepAliveSeconds, date, bytes });
    return bytes;
  }

  private statusLine(status: number): string {
    let line = this.statusLines.get(status);
    if (line === undefined) {
      line = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}\r\n`;
      this.statusLines.set(status, line);
    }
    return line;
  }

  private block(headers: readonly string[]): string {
    let block = this.blocks.get(headers);
    if (block === undefined) {
      block = serialize(headers) + serialize(this.trailing);
      this.blocks.set(headers, block);
    }
    return block;
  }
}

function serialize(headers: readonly string[]): string {
  let block = '';
  for (let i = 0; i + 1 < headers.length; i += 2) {
    const name = headers[i] ?? '';
    const value = headers[i + 1] ?? '';
    if (LINE_BREAK.test(name) || LINE_BREAK.test(value)) throw new Error(`invalid response header ${name}`);
    block += `${name}: ${value}\r\n`;
  }
  return block;
}
