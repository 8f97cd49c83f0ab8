import { parseIpAddress } from '@rapidrtmp/server-outbound';

export const MAX_PUSH_URL_LENGTH = 2048;
const MAX_APP_LENGTH = 512;
const DEFAULT_PORTS = { rtmp: 1935, rtmps: 443 } as const;

/** Where a push target publishes: the parts of `rtmp[s]://host[:port]/app[/...]` (the stream key is apart). */
export interface PushTargetAddress {
  scheme: 'rtmp' | 'rtmps';
  /** Host name or address to connect to (IPv6 without brackets); the TLS server name for rtmps. */
  host: string;
  port: number;
  /** The RTMP application: the whole path, e.g. `live2`, `app` or `app/sub`. */
  app: string;
  /** The normalized URL: what is stored and shown, and the `tcUrl` of `connect`. */
  url: string;
}

/**
 * Parses and normalizes a push target URL, or says what is wrong with it. The host goes through the WHATWG
 * host parser (as for http URLs), so `0x7f.1` or `2130706433` come out as `127.0.0.1` and the address policy
 * sees what the socket would connect to. No credentials, query or fragment: secrets belong in the stream key
 * field (a query too: `key?token=…`), which is stored sealed and never shown again.
 */
export function parsePushTargetUrl(value: unknown): { address: PushTargetAddress } | { problem: string } {
  if (typeof value !== 'string' || value.length === 0) return { problem: 'must be an rtmp:// or rtmps:// URL' };
  if (value.length > MAX_PUSH_URL_LENGTH) return { problem: `must be at most ${MAX_PUSH_URL_LENGTH} characters` };
  const match = /^(rtmps?):\/\/(.*)$/is.exec(value);
  if (!match) return { problem: 'must start with rtmp:// or rtmps://' };
  const [, schemeText = '', rest = ''] = match;
  const scheme = schemeText.toLowerCase() as PushTargetAddress['scheme'];
  let http: URL;
  let https: URL;
  try {
    // Both: each hides its own default port (80, 443), so an explicit :80 or :443 shows in the other.
    http = new URL(`http://${rest}`);
    https = new URL(`https://${rest}`);
  } catch {
    return { problem: 'must be a valid URL: rtmp[s]://host[:port]/app' };
  }
  if (!http.hostname || rest.startsWith('/')) return { problem: 'must name a host' };
  if (http.username || http.password) return { problem: 'must not contain credentials (user:password@)' };
  if (http.search || http.hash || rest.includes('?') || rest.includes('#'))
    return { problem: 'must not contain a query or fragment: put a query in the stream key (key?token=…)' };
  const explicitPort = http.port || https.port;
  const port = explicitPort ? Number(explicitPort) : DEFAULT_PORTS[scheme];
  if (!Number.isInteger(port) || port < 1 || port > 65535) return { problem: 'port must be 1-65535' };
  let app: string;
  try {
    app = decodeURIComponent(http.pathname.replace(/^\/+|\/+$/g, ''));
  } catch {
    return { problem: 'must have a valid path' };
  }
  if (!app) return { problem: 'must name the application in its path (e.g. rtmp://host/live2)' };
  if (app.length > MAX_APP_LENGTH) return { problem: `application path must be at most ${MAX_APP_LENGTH} characters` };
  if (hasSpaceOrControl(app)) return { problem: 'application path must not contain spaces or controls' };
  const hostInUrl = http.hostname;
  const host = hostInUrl.replace(/^\[|\]$/g, '');
  const portInUrl = port === DEFAULT_PORTS[scheme] ? '' : `:${port}`;
  const path = http.pathname.replace(/^\/+|\/+$/g, '');
  return { address: { scheme, host, port, app, url: `${scheme}://${hostInUrl}${portInUrl}/${path}` } };
}

/** True when the host is a literal IP address (no TLS server name, no resolution). */
export function isLiteralHost(address: PushTargetAddress): boolean {
  return parseIpAddress(address.host) !== null;
}

export const MAX_PUSH_STREAM_KEY_LENGTH = 1024;

/** Spaces (any Unicode white space), C0 controls and DEL. */
function hasSpaceOrControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code <= 0x20 || code === 0x7f) return true;
  }
  return /\s/u.test(text);
}

/** Why `value` cannot be a target's stream key, or null: 1-1024 characters, no spaces or controls. */
export function pushStreamKeyProblem(value: unknown): string | null {
  if (typeof value !== 'string' || value.length === 0) return 'must be the stream key the target gave you';
  if (value.length > MAX_PUSH_STREAM_KEY_LENGTH) return `must be at most ${MAX_PUSH_STREAM_KEY_LENGTH} characters`;
  if (hasSpaceOrControl(value)) return 'must not contain spaces or control characters';
  return null;
}

/** The last characters of a key for recognizing it (`••••abcd`): none for keys too short to spare them. */
export function streamKeyHint(key: string): string {
  return key.length >= 12 ? key.slice(-4) : '';
}

export function maskedStreamKey(hint: string): string {
  return `••••${hint}`;
}
