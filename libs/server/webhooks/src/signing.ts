import { createHmac, randomBytes } from 'node:crypto';

/**
 * Webhook signing in the Standard Webhooks style (https://www.standardwebhooks.com/): the receiver
 * recomputes HMAC-SHA256 over `<webhook-id>.<webhook-timestamp>.<raw body>` with the endpoint secret and
 * compares it with the `v1,` signature. The secret is `whsec_` + base64 of 32 random bytes; the HMAC key
 * is those bytes (the base64 part decoded), as the Standard Webhooks libraries expect.
 */
export const SECRET_PREFIX = 'whsec_';
export const SIGNATURE_VERSION = 'v1';

export interface WebhookHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/** A new endpoint secret: `whsec_` + base64 of 32 random bytes. */
export function generateWebhookSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64');
}

/** The HMAC key a secret stands for (the decoded bytes after `whsec_`). */
export function secretKey(secret: string): Buffer {
  if (!secret.startsWith(SECRET_PREFIX)) throw new Error('webhook secret must start with whsec_');
  return Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
}

/** `v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>`. */
export function signWebhook(secret: string, id: string, timestamp: number, body: string): string {
  const mac = createHmac('sha256', secretKey(secret)).update(`${id}.${timestamp}.${body}`).digest('base64');
  return `${SIGNATURE_VERSION},${mac}`;
}

/** The three headers of one delivery attempt; `timestamp` is Unix seconds at sending time. */
export function webhookHeaders(secret: string, id: string, timestamp: number, body: string): WebhookHeaders {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signWebhook(secret, id, timestamp, body),
  };
}

/** How receivers should check a delivery; shown in the API description. */
export const VERIFICATION_GUIDE = `Every delivery is a \`POST\` with a JSON body and three headers (Standard Webhooks):

- \`webhook-id\`: the event id (the same on every retry of that event; use it to drop duplicates),
- \`webhook-timestamp\`: Unix seconds when this attempt was sent,
- \`webhook-signature\`: \`v1,<base64 signature>\`.

To verify: take the endpoint secret (\`whsec_…\`, returned once when the endpoint is created), base64-decode
the part after \`whsec_\` to get the key, compute \`HMAC-SHA256(key, "<webhook-id>.<webhook-timestamp>.<raw body>")\`,
base64-encode it and compare it with the part after \`v1,\` using a constant-time comparison. Use the raw
request body exactly as received (not re-serialized JSON), and reject timestamps more than a few minutes
away from your clock to stop replays. In Node.js:

\`\`\`js
const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
const expected = crypto.createHmac('sha256', key).update(\`\${id}.\${timestamp}.\${rawBody}\`).digest('base64');
const ok = signature.split(' ').some((s) => {
  const given = Buffer.from(s.startsWith('v1,') ? s.slice(3) : '');
  return given.length === Buffer.byteLength(expected) && crypto.timingSafeEqual(given, Buffer.from(expected));
});
\`\`\`

The Standard Webhooks libraries (\`standardwebhooks\` on npm, PyPI, Go …) verify these headers as they are.
Answer with any 2xx status within 5 seconds; anything else (or no answer) is retried with exponential
backoff (1 s, 2 s, 4 s … up to 8 attempts). Deliveries can arrive more than once and out of order.`;
