/**
 * Whether the browser holds a dashboard session. The session cookie itself is httpOnly; the CSRF cookie
 * (`rr_csrf`) is readable and set and cleared with it, so its presence tells us whether asking
 * `/api/v1/me` makes sense at all (no pointless 401 on a first visit).
 */
export function hasSessionCookie(): boolean {
  return typeof document !== 'undefined' && document.cookie.split('; ').some((c) => c.startsWith('rr_csrf='));
}
