import { Readable } from 'node:stream';
import type { ObjectBody } from './object-store.js';

/** Bytes in a Buffer body; undefined for a stream (its length is known only once read). */
export function bodyByteLength(body: ObjectBody): number | undefined {
  if (Buffer.isBuffer(body)) return body.length;
  if (Array.isArray(body)) return body.reduce((sum, part) => sum + part.length, 0);
  return undefined;
}

/** A Readable over any body; Buffer parts are yielded as they are, not copied into one. */
export function bodyStream(body: ObjectBody): Readable {
  if (body instanceof Readable) return body;
  return Readable.from(Buffer.isBuffer(body) ? [body] : body, { objectMode: false });
}

/** Reads a stream to its end into one Buffer. */
export async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  const only = parts.length === 1 ? parts[0] : undefined;
  return only ?? Buffer.concat(parts);
}
