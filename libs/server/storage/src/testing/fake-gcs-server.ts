import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** `unavailable`: every request gets 503 (after its body is read); `hang`: requests are never answered. */
export type FakeGcsFault = 'none' | 'unavailable' | 'hang';

export interface FakeGcsObject {
  data: Buffer;
  contentType: string;
  generation: number;
  updated: Date;
}

export interface FakeGcsRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** The status sent, or undefined when the request was left hanging. */
  status?: number;
}

/**
 * A small in-memory server speaking the part of the Google Cloud Storage JSON API that
 * `@google-cloud/storage` uses for our ObjectStore (https://cloud.google.com/storage/docs/json_api/v1):
 *
 * - `POST /upload/storage/v1/b/:bucket/o?uploadType=media|multipart&name=` (simple uploads; resumable is 501)
 * - `GET /storage/v1/b/:bucket` (bucket metadata)
 * - `GET /storage/v1/b/:bucket/o?prefix=&pageToken=&maxResults=` (list)
 * - `GET /storage/v1/b/:bucket/o/:object` (metadata) and `?alt=media` (download, with `Range`)
 * - `DELETE /storage/v1/b/:bucket/o/:object`
 *
 * Objects carry `md5Hash`/`crc32c` and downloads `x-goog-hash`, so the client's integrity checks run for
 * real. An upload replaces an object only once its whole body has arrived, as GCS does. `fault` makes
 * it answer 503 or hang, for the write-behind and timeout tests. Binds 127.0.0.1 on a free port.
 */
export class FakeGcsServer {
  /** bucket -> object name -> object */
  readonly buckets = new Map<string, Map<string, FakeGcsObject>>();
  readonly requests: FakeGcsRequest[] = [];
  fault: FakeGcsFault = 'none';
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private generation = Date.now() * 1000;

  constructor(buckets: string[] = ['media']) {
    for (const name of buckets) this.buckets.set(name, new Map());
  }

  /** Starts listening; resolves to the endpoint URL to pass as `apiEndpoint` (`http://127.0.0.1:<port>`). */
  async start(): Promise<string> {
    const server = createServer((req, res) => void this.handle(req, res));
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    return this.endpoint;
  }

  get endpoint(): string {
    const address = this.server?.address() as AddressInfo | undefined;
    if (!address) throw new Error('FakeGcsServer is not started');
    return `http://127.0.0.1:${address.port}`;
  }

  /** Closes the server and every connection, hanging ones included. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The objects of `bucket` (created empty if needed), for seeding and inspection. */
  objects(bucket = 'media'): Map<string, FakeGcsObject> {
    let objects = this.buckets.get(bucket);
    if (!objects) this.buckets.set(bucket, (objects = new Map<string, FakeGcsObject>()));
    return objects;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const record: FakeGcsRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
    };
    this.requests.push(record);
    let body: Buffer;
    try {
      body = await readBody(req);
    } catch {
      return; // the client went away
    }
    if (this.fault === 'hang') return; // never answered; stop() destroys the socket
    const send = (status: number, headers: Record<string, string | number>, payload?: Buffer | string) => {
      record.status = status;
      res.writeHead(status, headers);
      res.end(payload);
    };
    if (this.fault === 'unavailable') {
      sendError(send, 503, 'Service Unavailable (fake fault)', 'backendError');
      return;
    }
    try {
      this.route(record, req, url, body, send);
    } catch (error) {
      sendError(send, 500, `fake GCS failed: ${(error as Error).message}`, 'internalError');
    }
  }

  private route(record: FakeGcsRequest, req: IncomingMessage, url: URL, body: Buffer, send: Send): void {
    const path = url.pathname;
    const query = url.searchParams;
    let match: RegExpExecArray | null;

    if ((match = /^\/upload\/storage\/v1\/b\/([^/]+)\/o$/.exec(path)) && record.method === 'POST') {
      const objects = this.buckets.get(decodeURIComponent(match[1]!));
      if (!objects) return sendError(send, 404, 'The specified bucket does not exist.', 'notFound');
      const upload = parseUpload(query, req, body);
      if ('error' in upload) return sendError(send, upload.status, upload.error, 'invalid');
      const object: FakeGcsObject = {
        data: upload.data,
        contentType: upload.contentType,
        generation: ++this.generation,
        updated: new Date(),
      };
      objects.set(upload.name, object);
      return sendJson(send, 200, objectResource(decodeURIComponent(match[1]!), upload.name, object));
    }

    if ((match = /^\/storage\/v1\/b\/([^/]+)$/.exec(path)) && record.method === 'GET') {
      const bucket = decodeURIComponent(match[1]!);
      if (!this.buckets.has(bucket)) return sendError(send, 404, 'The specified bucket does not exist.', 'notFound');
      return sendJson(send, 200, { kind: 'storage#bucket', id: bucket, name: bucket, location: 'LOCAL' });
    }

    if ((match = /^\/storage\/v1\/b\/([^/]+)\/o$/.exec(path)) && record.method === 'GET') {
      const bucket = decodeURIComponent(match[1]!);
      const objects = this.buckets.get(bucket);
      if (!objects) return sendError(send, 404, 'The specified bucket does not exist.', 'notFound');
      return sendJson(send, 200, listResponse(bucket, objects, query));
    }

    if ((match = /^\/storage\/v1\/b\/([^/]+)\/o\/(.+)$/.exec(path))) {
      const bucket = decodeURIComponent(match[1]!);
      const name = decodeURIComponent(match[2]!);
      const objects = this.buckets.get(bucket);
      if (!objects) return sendError(send, 404, 'The specified bucket does not exist.', 'notFound');
      const object = objects.get(name);
      if (record.method === 'DELETE') {
        if (!object) return sendError(send, 404, `No such object: ${bucket}/${name}`, 'notFound');
        objects.delete(name);
        return send(204, {});
      }
      if (record.method === 'GET') {
        if (!object) return sendError(send, 404, `No such object: ${bucket}/${name}`, 'notFound');
        if (query.get('alt') === 'media') return sendMedia(send, object, req.headers.range);
        return sendJson(send, 200, objectResource(bucket, name, object));
      }
    }

    sendError(send, 501, `fake GCS does not implement ${record.method} ${path}`, 'notImplemented');
  }
}

type Send = (status: number, headers: Record<string, string | number>, payload?: Buffer | string) => void;

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (chunk: Buffer) => parts.push(chunk));
    req.on('end', () => resolve(Buffer.concat(parts)));
    req.on('error', reject);
    req.on('aborted', () => reject(new Error('aborted')));
  });
}

function sendJson(send: Send, status: number, value: unknown): void {
  send(status, { 'content-type': 'application/json; charset=UTF-8' }, JSON.stringify(value));
}

function sendError(send: Send, status: number, message: string, reason: string): void {
  sendJson(send, status, { error: { code: status, message, errors: [{ message, domain: 'global', reason }] } });
}

type Upload = { name: string; data: Buffer; contentType: string } | { status: number; error: string };

/** `uploadType=media`: the body is the object; `multipart`: JSON metadata part, then the data part. */
function parseUpload(query: URLSearchParams, req: IncomingMessage, body: Buffer): Upload {
  const uploadType = query.get('uploadType');
  const headerType = req.headers['content-type'] ?? 'application/octet-stream';
  if (uploadType === 'media') {
    const name = query.get('name');
    if (!name) return { status: 400, error: 'name is required for uploadType=media' };
    return { name, data: body, contentType: headerType };
  }
  if (uploadType !== 'multipart') return { status: 501, error: `fake GCS does not implement uploadType=${uploadType}` };
  const boundary = /boundary="?([^";]+)"?/.exec(headerType)?.[1];
  if (!headerType.startsWith('multipart/related') || !boundary) {
    return { status: 400, error: 'expected multipart/related with a boundary' };
  }
  const parts = splitMultipart(body, boundary);
  if (parts.length !== 2) return { status: 400, error: `expected 2 multipart parts, got ${parts.length}` };
  const metadata = JSON.parse(parts[0]!.body.toString('utf8')) as { name?: string; contentType?: string };
  const name = query.get('name') ?? metadata.name;
  if (!name) return { status: 400, error: 'no object name in the query or the metadata' };
  return {
    name,
    data: parts[1]!.body,
    contentType: metadata.contentType ?? parts[1]!.headers['content-type'] ?? 'application/octet-stream',
  };
}

/** RFC 2046 multipart: parts between `--boundary` lines, each with headers, a blank line and a body. */
function splitMultipart(body: Buffer, boundary: string): Array<{ headers: Record<string, string>; body: Buffer }> {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Array<{ headers: Record<string, string>; body: Buffer }> = [];
  let at = body.indexOf(delimiter);
  while (at >= 0) {
    const start = at + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break; // closing delimiter
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), start);
    if (next < 0) break;
    const part = body.subarray(start + 2, next); // skip the CRLF after the delimiter
    const split = part.indexOf('\r\n\r\n');
    const headers: Record<string, string> = {};
    for (const line of part.subarray(0, Math.max(split, 0)).toString('latin1').split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    parts.push({ headers, body: split < 0 ? Buffer.alloc(0) : part.subarray(split + 4) });
    at = next + 2;
  }
  return parts;
}

function objectResource(bucket: string, name: string, object: FakeGcsObject) {
  return {
    kind: 'storage#object',
    id: `${bucket}/${name}/${object.generation}`,
    name,
    bucket,
    generation: String(object.generation),
    metageneration: '1',
    contentType: object.contentType,
    size: String(object.data.length),
    md5Hash: md5(object.data),
    crc32c: crc32c(object.data),
    etag: `"${object.generation.toString(16)}"`,
    storageClass: 'STANDARD',
    timeCreated: object.updated.toISOString(),
    updated: object.updated.toISOString(),
  };
}

/** Names in byte order after `pageToken` (base64 of the last name of the previous page), at most maxResults. */
function listResponse(bucket: string, objects: Map<string, FakeGcsObject>, query: URLSearchParams) {
  const prefix = query.get('prefix') ?? '';
  const after = query.has('pageToken') ? Buffer.from(query.get('pageToken')!, 'base64').toString('utf8') : undefined;
  const maxResults = Math.min(1000, Math.max(1, Number(query.get('maxResults') ?? 1000) || 1000));
  const names = [...objects.keys()]
    .filter(
      (name) =>
        name.startsWith(prefix) && (after === undefined || Buffer.compare(Buffer.from(name), Buffer.from(after)) > 0),
    )
    .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const page = names.slice(0, maxResults);
  const response: Record<string, unknown> = {
    kind: 'storage#objects',
    items: page.map((name) => objectResource(bucket, name, objects.get(name)!)),
  };
  if (names.length > maxResults) response.nextPageToken = Buffer.from(page[page.length - 1]!).toString('base64');
  return response;
}

/** `alt=media`: the bytes, or the `Range: bytes=a-b | a- | -n` part of them (206), or 416 past the end. */
function sendMedia(send: Send, object: FakeGcsObject, range: string | undefined): void {
  const size = object.data.length;
  const headers: Record<string, string | number> = {
    'content-type': object.contentType,
    'x-goog-generation': object.generation,
    'x-goog-stored-content-encoding': 'identity',
    'x-goog-stored-content-length': size,
    etag: `"${object.generation.toString(16)}"`,
    'last-modified': object.updated.toUTCString(),
    'accept-ranges': 'bytes',
  };
  const match = range ? /^bytes=(\d*)-(\d*)$/.exec(range) : null;
  if (!match || (match[1] === '' && match[2] === '')) {
    // Hashes describe the whole object, so GCS sends them only on whole downloads the client can check.
    headers['x-goog-hash'] = `crc32c=${crc32c(object.data)},md5=${md5(object.data)}`;
    send(200, { ...headers, 'content-length': size }, object.data);
    return;
  }
  let start: number;
  let end: number;
  if (match[1] === '') {
    start = Math.max(0, size - Number(match[2]));
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  if (start >= size || end < start) {
    send(
      416,
      { 'content-type': 'application/json; charset=UTF-8', 'content-range': `bytes */${size}` },
      JSON.stringify({ error: { code: 416, message: 'The requested range cannot be satisfied.' } }),
    );
    return;
  }
  const slice = object.data.subarray(start, end + 1);
  send(206, { ...headers, 'content-length': slice.length, 'content-range': `bytes ${start}-${end}/${size}` }, slice);
}

function md5(data: Buffer): string {
  return createHash('md5').update(data).digest('base64');
}

const CRC32C_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n += 1) {
    let c = n;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32C (Castagnoli, RFC 3720 B.4) as GCS reports it: the big-endian 4 bytes in base64. */
export function crc32c(data: Buffer): string {
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i += 1) crc = CRC32C_TABLE[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  const out = Buffer.alloc(4);
  out.writeUInt32BE((crc ^ 0xffffffff) >>> 0);
  return out.toString('base64');
}
