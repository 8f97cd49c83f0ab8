import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/**
 * First path segments the server itself answers. The dashboard never serves anything under them, even
 * if a file of that name turned up in the export: API, HLS, probes and metrics must not be shadowed.
 */
export const RESERVED_SEGMENTS = ['api', 'live', 'vod', 'metrics', 'healthz', 'readyz'] as const;

/** The exported embed page; `/embed/<playbackId>` answers with it (the page reads the id from the URL). */
export const EMBED_PAGE = 'embed/index.html';

/** Where `next build` writes the export, relative to this file in `libs/server/web/dist/`. */
export const DEFAULT_DASHBOARD_DIR = new URL('../../../../apps/dashboard/out/', import.meta.url);

/** A path relative to the export root, with forward slashes (`keys/index.html`). */
export function toRelative(root: string, file: string): string {
  return relative(root, file).split(sep).join('/');
}

export function isReserved(relativePath: string): boolean {
  const [first = ''] = relativePath.replace(/^\/+/, '').split('/'); // split gives at least one element
  return (RESERVED_SEGMENTS as readonly string[]).includes(first);
}

/** Glob patterns @fastify/static must skip (it globs the export once at start-up). */
export function reservedGlobs(): string[] {
  return RESERVED_SEGMENTS.flatMap((segment) => [segment, `${segment}/**`]);
}

/**
 * Response headers for one exported file. Hashed build assets are cached for good; everything else is
 * revalidated (a rebuild changes it). An HTML page carries its Content-Security-Policy (`policy`, see
 * dashboard-csp.ts): dashboard pages refuse to be framed (clickjacking), the embed page exists to be
 * framed, by anyone.
 */
export function headersFor(relativePath: string, policy?: string): Record<string, string> {
  const headers: Record<string, string> = { 'x-content-type-options': 'nosniff' };
  headers['cache-control'] = relativePath.startsWith('_next/static/')
    ? 'public, max-age=31536000, immutable'
    : 'no-cache';
  if (relativePath.endsWith('.html')) {
    if (policy !== undefined) headers['content-security-policy'] = policy;
    if (relativePath !== EMBED_PAGE) {
      headers['x-frame-options'] = 'DENY';
      headers['referrer-policy'] = 'same-origin';
    }
  }
  return headers;
}

/** Every HTML file of the export, relative to its root (`index.html`, `keys/index.html`, ...). */
export function htmlFiles(root: string): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.html')) files.push(toRelative(root, path));
    }
  };
  walk(root);
  return files.sort();
}

/**
 * Directories of the export that hold an `index.html` (`''` for the root), i.e. the dashboard's pages.
 * `/keys` redirects to `/keys/` for each of them, so links typed without the slash still work.
 */
export function pageDirectories(root: string): string[] {
  const pages: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (!statSync(path).isDirectory()) continue;
      const rel = toRelative(root, path);
      if (rel.startsWith('_next') || isReserved(rel)) continue;
      if (existsSync(join(path, 'index.html'))) pages.push(rel);
      walk(path);
    }
  };
  walk(root);
  return pages.sort();
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);

/** What `/` shows when the dashboard was never built: the server still runs, and says how to fix it. */
export function missingBuildPage(root: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>RapidRTMP: dashboard not built</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.5;color:#212529}
code,pre{background:#f1f3f5;border-radius:4px;padding:.1em .3em}pre{padding:.75rem;overflow:auto}</style></head>
<body><h1>The dashboard has not been built</h1>
<p>The RapidRTMP server is running: the API (<a href="/api/docs">/api/docs</a>), HLS playback under <code>/live/</code>,
<code>/healthz</code> and <code>/metrics</code> all work. Only the web dashboard is missing, because
<code>${escapeHtml(root)}</code> does not exist.</p>
<p>Build it from the repository root, then restart the server:</p>
<pre>npm run build            # everything, dashboard included
npm run build -w @rapidrtmp/dashboard   # or just the dashboard</pre>
</body></html>
`;
}
