import { createHash } from 'node:crypto';

/** Inline `<script>` elements (no `src`): Next's static export bootstraps React and its payload with them. */
const INLINE_SCRIPT = /<script\b(?![^>]*\bsrc\s*=)[^>]*>([\s\S]*?)<\/script>/gi;

/** The CSP source expression for each inline script of an HTML page (what the browser hashes: the raw text). */
export function inlineScriptHashes(html: string): string[] {
  const hashes = new Set<string>();
  for (const [, body = ''] of html.matchAll(INLINE_SCRIPT)) {
    if (body.trim() === '') continue;
    hashes.add(`'sha256-${createHash('sha256').update(body, 'utf8').digest('base64')}'`);
  }
  return [...hashes];
}

export interface PolicyOptions {
  /** The embed page is made to be framed by any site; dashboard pages by none. */
  framable: boolean;
  /** Origins besides this one that pages fetch from (PUBLIC_URL's, where playback URLs point). */
  otherOrigins?: readonly string[];
}

/**
 * The Content-Security-Policy of one exported page: scripts only from this origin or the exact inline
 * scripts the export contains (hashed, so no 'unsafe-inline'), no plugins, no <base> rewriting, forms
 * only to this origin, media and workers from this origin or blob: (hls.js feeds MSE through blob URLs).
 * Styles allow inline: Mantine and charts set style attributes and inject <style> at run time.
 */
export function pagePolicy(html: string, options: PolicyOptions): string {
  const others = [...new Set(options.otherOrigins ?? [])].join(' ');
  const self = others ? `'self' ${others}` : "'self'";
  return [
    "default-src 'self'",
    `script-src 'self' ${inlineScriptHashes(html).join(' ')}`.trim(),
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src ${self}`,
    `media-src ${self} blob:`,
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    `frame-ancestors ${options.framable ? '*' : "'none'"}`,
  ].join('; ');
}
