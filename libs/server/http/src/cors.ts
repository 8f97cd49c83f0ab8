import type { FastifyInstance, FastifyReply } from 'fastify';

/**
 * CORS for media that players fetch from other origins (hls.js on a customer's page, the embed): any
 * origin may GET or HEAD it, with Range and If-None-Match, and read the headers a player needs.
 * No credentials: playback authorization travels in the `token` query parameter, not in cookies.
 */
export function cors(reply: FastifyReply): FastifyReply {
  return reply
    .header('access-control-allow-origin', '*')
    .header('access-control-allow-methods', 'GET, HEAD, OPTIONS')
    .header('access-control-allow-headers', 'Range, If-None-Match')
    .header('access-control-expose-headers', 'Content-Length, Content-Range, ETag');
}

/** Answers the CORS preflight for every path under `prefix` (e.g. `/live/`); browsers cache it a day. */
export function routeCorsPreflight(fastify: FastifyInstance, prefix: string): void {
  fastify.options(`${prefix}*`, (_req, reply) => {
    void cors(reply).header('access-control-max-age', '86400').code(204).send();
  });
}
