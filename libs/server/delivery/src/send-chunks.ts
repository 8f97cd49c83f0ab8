// Media bytes as held (a part is its header and sample views, a segment its parts' chunks) written to the
// socket in one go: corked, so Node hands them to the kernel with one writev, never joined into a copy.
// A stream over them (Readable.from) would cost a promise per read and a syscall per chunk.
import type { ByteChunks } from '@rapidrtmp/hls';
import { releaseAllMedia, retainAllMedia } from '@rapidrtmp/media-core';
import type { FastifyReply } from 'fastify';

/**
 * Sends `chunks` (`length` bytes) with `status` and the headers set on `reply`. One chunk goes through
 * Fastify as usual; several are written to the raw response. Fastify's onResponse hooks (metrics) still
 * run: they listen for the response's `finish`. Node drops the body of a HEAD response by itself.
 */
export function sendChunks(reply: FastifyReply, status: number, chunks: ByteChunks, length: number): FastifyReply {
  // Pooled media slabs under the chunks stay ours until the response is done with them: 'close' comes
  // after the last write was handed to the kernel, or after the connection died (see MediaArena).
  retainAllMedia(chunks);
  reply.raw.once('close', () => releaseAllMedia(chunks));
  const only = chunks.length === 1 ? chunks[0] : undefined;
  if (only || chunks.length === 0)
    return reply
      .code(status)
      .header('content-length', length)
      .send(only ?? '');
  reply.hijack();
  const response = reply.raw;
  for (const [name, value] of Object.entries(reply.getHeaders()))
    if (value !== undefined) response.setHeader(name, value);
  response.writeHead(status, { 'content-length': length });
  response.cork();
  for (const chunk of chunks) response.write(chunk);
  // end() uncorks: the headers and every chunk leave in one write.
  response.end();
  return reply;
}
