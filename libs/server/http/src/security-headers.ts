import type { FastifyInstance } from 'fastify';

export interface SecurityHeaderOptions {
  /** The site is reached over https (PUBLIC_URL): browsers are told to keep to it. */
  hsts: boolean;
}

/** A year, the usual HSTS lifetime; no includeSubDomains or preload: other hosts of the domain are not ours to pin. */
const HSTS = 'max-age=31536000';
/** What a response that sets no policy of its own gets: nothing may frame it (API, Swagger UI, media). */
const NO_FRAMING = "frame-ancestors 'none'";

/**
 * Headers every HTTP response carries: `nosniff`, framing refused unless the route set its own policy
 * (the dashboard's pages set a full CSP, the embed page one that lets any site frame it), and HSTS
 * behind https. Routes keep what they set themselves.
 */
export function installSecurityHeaders(fastify: FastifyInstance, options: SecurityHeaderOptions): void {
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (options.hsts) void reply.header('strict-transport-security', HSTS);
    if (!reply.hasHeader('x-content-type-options')) void reply.header('x-content-type-options', 'nosniff');
    if (!reply.hasHeader('content-security-policy')) {
      void reply.header('content-security-policy', NO_FRAMING);
      if (!reply.hasHeader('x-frame-options')) void reply.header('x-frame-options', 'DENY');
    }
    done(null, payload);
  });
}

/** What the hook gives a response that sets no policy of its own, flat (`[name, value, ...]`), for fast lanes. */
export function defaultSecurityHeaders(options: SecurityHeaderOptions): readonly string[] {
  return [
    ...(options.hsts ? ['strict-transport-security', HSTS] : []),
    'x-content-type-options',
    'nosniff',
    'content-security-policy',
    NO_FRAMING,
    'x-frame-options',
    'DENY',
  ];
}
