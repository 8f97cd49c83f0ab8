import type { FastifyInstance, FastifyReply } from 'fastify';

/**
 * CORS for media that players fetch from other origins (hls.js on a customer's page, the embed): any
 * origin may GET or HEAD it, with Range and If-None-Match, and read the headers a player needs.
 * No credentials: playback authorization travels in the `token` query parameter, not in cookies.
 * Flat (`[name, value, ...]`): a fast lane's answers carry the same list.
 */
export const CORS_HEADERS: readonly string[] = [
  'access-control-allow-origin',
  '*',
  'access-control-allow-methods',
  'GET, HEAD, OPTIONS',
  'access-control-allow-headers',
  'Range, If-None-Match',
  'access-control-expose-headers',
  'Content-Length, Content-Range, ETag',
];

/** Sets CORS_HEADERS on a reply. */
export function cors(reply: FastifyReply): FastifyReply {
  return setHeaders(reply, CORS_HEADERS);
}

/** Sets flat (`[name, value, ...]`) headers on a reply: the lists fast lanes send, on Fastify's path. */
export function setHeaders(reply: FastifyReply, headers: readonly string[]): FastifyReply {
  for (let i = 0; i < headers.length; i += 2) void reply.header(headers[i] as string, headers[i + 1]);
  return reply;
}

/** Answers the CORS preflight for every path under `prefix` (e.g. `/live/`); browsers cache it a day. */
export function routeCorsPreflight(fastify: FastifyInstance, prefix: string): void {
  fastify.options(`${prefix}*`, (_req, reply) => {
    void cors(reply).header('access-control-max-age', '86400').code(204).send();
  });
}
