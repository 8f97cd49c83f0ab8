/** Any origin works: only whether a candidate stays on it matters. */
const BASE = 'https://dashboard.invalid';
const MAX_LENGTH = 2048;

/**
 * Where to go after signing in: `next` when it is a path on this site, else `/`. Browsers read `\` as
 * `/` and drop tabs and newlines in URLs, so `/\evil.example` and `/<TAB>/evil.example` mean
 * `//evil.example` (another site): control characters, whitespace and backslashes are refused, and so
 * is a path that still starts with `//` once its escapes are decoded (`/%5Cevil`). `/login` itself is
 * never a destination (it would loop). Pure, so it has a unit spec (safe-next.spec.ts, run by Node).
 */
export function safeNextPath(next: string | null | undefined): string {
  if (!next || next.length > MAX_LENGTH || !next.startsWith('/')) return '/';
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused here
  if (/[\u0000-\u001f\u007f-\u009f\s\\]/u.test(next)) return '/';
  let url: URL;
  let path: string;
  try {
    url = new URL(next, BASE);
    path = decodeURIComponent(url.pathname);
  } catch {
    return '/';
  }
  if (url.origin !== BASE || path.startsWith('//') || path.includes('\\') || path.startsWith('/login')) return '/';
  return url.pathname + url.search + url.hash;
}
