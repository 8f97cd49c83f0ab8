import { fileURLToPath } from 'node:url';
import { PHASE_DEVELOPMENT_SERVER } from 'next/constants.js';

/** The RapidRTMP server `next dev` forwards /api and /live to (see README.md, "Development"). */
const SERVER = process.env.RAPIDRTMP_SERVER ?? 'http://127.0.0.1:8080';
const WORKSPACE_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * `next build` writes a static export (`out/`) that the server's `@rapidrtmp/server-web` module serves on
 * its own port. Static export forbids rewrites, so only `next dev` gets them: it proxies the API and HLS
 * to a running server, which keeps the browser on one origin and the session cookie working.
 *
 * @param {string} phase
 * @returns {import('next').NextConfig}
 */
export default function nextConfig(phase) {
  /** @type {import('next').NextConfig} */
  const common = {
    reactStrictMode: true,
    // `/keys/` is exported as `keys/index.html`, which a static file server finds without rewrites.
    trailingSlash: true,
    images: { unoptimized: true },
    poweredByHeader: false,
    turbopack: { root: WORKSPACE_ROOT },
    outputFileTracingRoot: WORKSPACE_ROOT,
  };
  if (phase !== PHASE_DEVELOPMENT_SERVER) return { ...common, output: 'export' };
  return {
    ...common,
    // Without this, `/api/v1/me` would be redirected to `/api/v1/me/` before the proxy sees it.
    skipTrailingSlashRedirect: true,
    // `next dev` serves http://localhost:3000; let http://127.0.0.1:3000 load its dev resources too.
    allowedDevOrigins: ['127.0.0.1'],
    async rewrites() {
      return {
        beforeFiles: [
          { source: '/api/:path*', destination: `${SERVER}/api/:path*` },
          { source: '/live/:path*', destination: `${SERVER}/live/:path*` },
          // The server answers /embed/<playbackId> with the exported embed page; do the same here.
          { source: '/embed/:playbackId', destination: '/embed/' },
        ],
      };
    },
  };
}
