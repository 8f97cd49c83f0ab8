import { hostname } from 'node:os';
import { z } from 'zod';
import { parseCidrList } from '@rapidrtmp/server-outbound';
import { parseTrustProxy } from './trust-proxy.js';

const portNumber = z.coerce
  .number({ error: 'expected an integer port 1-65535' })
  .int('expected an integer port 1-65535')
  .min(1, 'expected an integer port 1-65535')
  .max(65535, 'expected an integer port 1-65535');
const port = (fallback: number) => portNumber.default(fallback);

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const integer = (fallback: number, min: number, max: number, unit: string) =>
  z.coerce
    .number({ error: `expected an integer ${unit} between ${min} and ${max}` })
    .int(`expected an integer ${unit} between ${min} and ${max}`)
    .min(min, `expected an integer ${unit} between ${min} and ${max}`)
    .max(max, `expected an integer ${unit} between ${min} and ${max}`)
    .default(fallback);

const decimal = (fallback: number, min: number, max: number, unit: string) =>
  z.coerce
    .number({ error: `expected ${unit} between ${min} and ${max}` })
    .min(min, `expected ${unit} between ${min} and ${max}`)
    .max(max, `expected ${unit} between ${min} and ${max}`)
    .default(fallback);

/** Base64 (or base64url) of exactly 32 bytes: an AES-256 key. */
function isEncryptionKey(text: string): boolean {
  return /^[A-Za-z0-9+/_-]{43}=?$/.test(text) && Buffer.from(text, 'base64').length === 32;
}

/** true/false, 1/0, yes/no, on/off (any case). */
const flag = (fallback: boolean) =>
  z.stringbool({ error: 'expected true or false (also 1/0, yes/no, on/off)' }).default(fallback);

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * Every environment variable the server reads, with its default. The README's configuration table
 * mirrors this schema; `k8s/` and `docker/` are checked against it by a test.
 */
export const configSchema = z
  .object({
    HTTP_PORT: port(8080),
    RTMP_PORT: port(1935),
    HOST: z.string().min(1, 'expected a bind address such as 0.0.0.0 or 127.0.0.1').default('0.0.0.0'),
    DATA_DIR: z.string().min(1, 'expected a directory path').default('./data'),
    DATABASE_URL: optionalText.pipe(
      z
        .string()
        .regex(
          /^postgres(ql)?:\/\/\S+$/,
          'expected a postgres:// or postgresql:// URL (unset = the embedded PostgreSQL in DATA_DIR/postgres)',
        )
        .optional(),
    ),
    ADMIN_EMAIL: optionalText.pipe(z.email('expected an e-mail address').optional()),
    ADMIN_PASSWORD: optionalText.pipe(
      z.string().min(12, 'expected at least 12 characters').max(256, 'expected at most 256 characters').optional(),
    ),
    PUBLIC_URL: optionalText.pipe(
      z.url({ protocol: /^https?$/, error: 'expected an http(s) URL such as https://stream.example.com' }).optional(),
    ),
    LOG_LEVEL: z.enum(LOG_LEVELS, { error: `expected one of ${LOG_LEVELS.join(', ')}` }).default('info'),
    // How far V8's old generation may grow past its live size before the next full GC (0: V8 decides).
    HEAP_GROWTH_PERCENT: integer(50, 0, 400, 'percent'),
    // Reuse media slabs once nothing holds them (false: every slab is new and left to the GC).
    MEDIA_BUFFER_RECYCLING: flag(true),
    // Poison released media slabs and never reuse them: a use after release shows as corrupt media (tests).
    MEDIA_BUFFER_CHECK: flag(false),
    NODE_ID: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,128}$/, 'expected 1-128 characters of A-Z a-z 0-9 . _ -')
      .default(
        hostname()
          .slice(0, 128)
          .replace(/[^A-Za-z0-9._-]/g, '-') || 'node',
      ),
    // Several nodes on one DATABASE_URL form a cluster: how peers reach this node's HTTP listener (e.g. the
    // pod IP through a headless Service), and the secret their internal requests carry.
    NODE_URL: optionalText.pipe(
      z.url({ protocol: /^https?$/, error: 'expected an http(s) URL such as http://10.0.0.12:8080' }).optional(),
    ),
    CLUSTER_SECRET: optionalText.pipe(z.string().min(32, 'expected at least 32 characters').optional()),
    // A node that has not renewed its lease for this long is lost: another node ends its sessions.
    CLUSTER_LEASE_SECONDS: integer(15, 3, 120, 'seconds'),
    // Memory for immutable objects (inits, segments, parts) a node pulled from the stream's owning node.
    EDGE_CACHE_BYTES: integer(64 * 1024 * 1024, 0, 64 * 1024 * 1024 * 1024, 'byte count'),
    SHUTDOWN_GRACE_MS: z.coerce
      .number({ error: 'expected milliseconds between 100 and 60000' })
      .int('expected milliseconds between 100 and 60000')
      .min(100, 'expected milliseconds between 100 and 60000')
      .max(60000, 'expected milliseconds between 100 and 60000')
      .default(4000),

    // The HTTP edge. Behind a reverse proxy or ingress: whose X-Forwarded-For to believe (a hop count, or the
    // proxies' addresses / CIDR ranges); unset, the socket's peer is the client (per-address limits, audit).
    TRUST_PROXY: optionalText.pipe(
      z
        .string()
        .refine(
          (text) => parseTrustProxy(text) !== undefined,
          'expected a hop count 1-10 or a comma-separated list of proxy addresses / CIDR ranges (10.0.0.0/8, ::1)',
        )
        .optional(),
    ),
    // Time to receive a whole request (headers and body); responses (held LL-HLS reloads, downloads) are not bound by it.
    HTTP_REQUEST_TIMEOUT_MS: integer(30_000, 1000, 600_000, 'milliseconds'),
    // A socket with no bytes either way for this long is closed; above the longest LL-HLS hold (3 target durations).
    HTTP_CONNECTION_TIMEOUT_MS: integer(120_000, 10_000, 3_600_000, 'milliseconds'),
    // Open HTTP connections per client address (trusted proxies are not limited); beyond it new ones are closed.
    // Many viewers share one address behind a corporate NAT (a browser opens several connections each).
    HTTP_MAX_CONNECTIONS_PER_IP: integer(4096, 1, 1_000_000, 'count'),
    // /metrics needs `Authorization: Bearer <METRICS_TOKEN>` when set.
    METRICS_TOKEN: optionalText.pipe(z.string().min(16, 'expected at least 16 characters').optional()),
    // /metrics is served on this port (only) when set, e.g. one the Ingress does not route to.
    METRICS_PORT: portNumber.optional(),

    // Internal address ranges the server may connect to when a user gives it an address (webhook URLs, later
    // restream targets); unset, only public addresses (no loopback, private, link-local/metadata, CGNAT …).
    OUTBOUND_ALLOW_CIDRS: optionalText.pipe(
      z
        .string()
        .refine(
          (text) => 'ranges' in parseCidrList(text),
          'expected a comma-separated list of address ranges such as 10.0.0.0/8,fd00::/8 (or single addresses)',
        )
        .optional(),
    ),

    // Restream (push targets): the longest wait between attempts to reach a target that dropped or refused
    // (exponential backoff from 1 s with jitter, capped here).
    RESTREAM_RETRY_MAX_SECONDS: integer(30, 1, 600, 'seconds'),

    // RTMP ingest limits: each violation closes only the offending connection.
    RTMP_MAX_CONNECTIONS: integer(1000, 1, 100_000, 'count'),
    RTMP_MAX_CONNECTIONS_PER_IP: integer(50, 1, 100_000, 'count'),
    RTMP_HANDSHAKE_TIMEOUT_MS: integer(10_000, 100, 120_000, 'milliseconds'),
    RTMP_IDLE_TIMEOUT_MS: integer(20_000, 500, 600_000, 'milliseconds'),
    RTMP_MAX_MESSAGE_BYTES: integer(8 * 1024 * 1024, 64 * 1024, 64 * 1024 * 1024, 'byte count'),
    RTMP_MAX_CHUNK_STREAMS: integer(64, 4, 65_599, 'count'),
    RTMP_CHUNK_SIZE: integer(4096, 128, 65_536, 'byte count'),
    RTMP_DUPLICATE_PUBLISH: z.enum(['reject', 'takeover'], { error: 'expected reject or takeover' }).default('reject'),
    // Merged reads: a publishing socket is read at most once per this many ms, so one event-loop wake-up
    // reads every publisher's new bytes (0: read each socket as bytes arrive).
    RTMP_READ_INTERVAL_MS: integer(40, 0, 200, 'milliseconds'),
    // RTMPS ingest: a TLS listener on RTMPS_PORT, on when both PEM files are set (reloaded when they change).
    RTMPS_PORT: port(1936),
    RTMPS_CERT_FILE: optionalText,
    RTMPS_KEY_FILE: optionalText,
    // While the database is unreachable, a stream key authorized within this long may still publish.
    KEY_CACHE_TTL_SECONDS: integer(600, 0, 86_400, 'seconds'),

    // Signs short-lived playback tokens for keys with signed playback; share it between nodes.
    PLAYBACK_SIGNING_SECRET: optionalText.pipe(z.string().min(32, 'expected at least 32 characters').optional()),
    // Encrypts the secrets the server must read back (restream targets' stream keys): base64 of 32 random bytes
    // (`openssl rand -base64 32`). Unset on one node: a key generated once into DATA_DIR/secrets-encryption.key.
    // Every node of a cluster decrypts what any node stored, so it is required with NODE_URL.
    SECRETS_ENCRYPTION_KEY: optionalText.pipe(
      z
        .string()
        .refine(isEncryptionKey, 'expected base64 of 32 random bytes, e.g. the output of openssl rand -base64 32')
        .optional(),
    ),

    // Recordings older than this are deleted (objects and rows); unset keeps them. A key can override it.
    RECORDING_RETENTION_DAYS: z.coerce
      .number({ error: 'expected an integer number of days between 1 and 36500' })
      .int('expected an integer number of days between 1 and 36500')
      .min(1, 'expected an integer number of days between 1 and 36500')
      .max(36500, 'expected an integer number of days between 1 and 36500')
      .optional(),

    // HLS packaging.
    HLS_SEGMENT_SECONDS: decimal(2, 0.5, 30, 'seconds'),
    HLS_PART_SECONDS: decimal(0.25, 0.1, 5, 'seconds'),
    HLS_PART_HOLD_BACK_PARTS: decimal(3, 2, 20, 'part target durations'),
    HLS_WINDOW: integer(10, 3, 1000, 'segment count'),
    HLS_MEMORY_SECONDS: decimal(1, 0, 600, 'seconds'),
    HLS_STORAGE_CACHE_BYTES: integer(32 * 1024 * 1024, 0, 64 * 1024 * 1024 * 1024, 'byte count'),
    HLS_REPUBLISH_GRACE_SECONDS: decimal(10, 0, 600, 'seconds'),
    // LL-HLS requests held for media not there yet (blocking reloads, hinted parts): per client address and
    // in total; past either, the request is answered at once (the current playlist) instead of held.
    HLS_MAX_BLOCKING_REQUESTS: integer(10_000, 1, 1_000_000, 'count'),
    // An LL-HLS viewer holds about two (a blocking reload and the hinted part): room for ~500 behind one NAT.
    HLS_MAX_BLOCKING_REQUESTS_PER_IP: integer(1000, 1, 1_000_000, 'count'),

    // RTMP play and HTTP-FLV players (rtmp://host/live/<playbackId>, /live/<playbackId>.flv), on this node.
    PLAYBACK_MAX_PLAYERS: integer(1000, 0, 1_000_000, 'count'),
    PLAYBACK_MAX_PLAYERS_PER_STREAM: integer(500, 0, 1_000_000, 'count'),
    // Media a player that does not keep up may fall behind before packets are dropped to the next keyframe.
    PLAYBACK_MAX_QUEUE_BYTES: integer(4 * 1024 * 1024, 256 * 1024, 256 * 1024 * 1024, 'byte count'),
    // A player that takes nothing for this long (its socket stays full) is disconnected.
    PLAYBACK_STALL_TIMEOUT_MS: integer(20_000, 1000, 600_000, 'milliseconds'),
    // The group of pictures since the latest keyframe, for players to start at once: held only while a
    // stream has such players (and 30 s after; the first player of an unwatched stream starts at the next
    // keyframe), or always (a group of pictures of memory per stream, ~0.5 MB at 2.5 Mbit/s).
    PLAYBACK_GOP_CACHE: z.enum(['on-demand', 'always'], { error: 'expected on-demand or always' }).default('on-demand'),

    // Thumbnails (/live/<id>/thumbnail.jpg, /vod/<id>/thumbnail.jpg): keyframes decoded by ffmpeg child processes.
    // At most THUMBNAIL_MAX_DECODERS run at once; THUMBNAIL_MAX_QUEUE more wait (then 503 with Retry-After).
    FFMPEG_PATH: z.string().min(1, 'expected a command name or path such as /usr/bin/ffmpeg').default('ffmpeg'),
    THUMBNAIL_MAX_DECODERS: integer(2, 1, 64, 'count'),
    THUMBNAIL_MAX_QUEUE: integer(32, 0, 10_000, 'count'),
    THUMBNAIL_DECODE_TIMEOUT_MS: integer(5000, 500, 60_000, 'milliseconds'),
    THUMBNAIL_CACHE_BYTES: integer(32 * 1024 * 1024, 0, 4 * 1024 * 1024 * 1024, 'byte count'),

    // Object storage for media (recordings, VOD): local disk under DATA_DIR/media or a GCS bucket.
    STORAGE: z.enum(['local', 'gcs'], { error: 'expected local or gcs' }).default('local'),
    // The local media tree; several nodes on one host or a shared volume point it at the same place.
    STORAGE_LOCAL_DIR: optionalText,
    // fdatasync each local object before its rename. Off (as nginx-rtmp, SRS and MediaMTX write fragments): a
    // process crash loses nothing, a power loss or kernel crash the last seconds of recordings not yet written back.
    STORAGE_LOCAL_FSYNC: flag(false),
    GCS_BUCKET: optionalText.pipe(
      z
        .string()
        .regex(
          /^(?=.{3,222}$)[a-z0-9](?:[a-z0-9_.-]*[a-z0-9])?$/,
          'expected a bucket name: 3-222 characters of a-z 0-9 - _ . starting and ending with a letter or digit (no gs://)',
        )
        .optional(),
    ),
    GCS_API_ENDPOINT: optionalText.pipe(
      z.url({ protocol: /^https?$/, error: 'expected an http(s) URL such as http://127.0.0.1:4443' }).optional(),
    ),
    // Write-behind uploads: bytes waiting in memory, and bytes kept on local disk while the store is down.
    STORAGE_QUEUE_MAX_BYTES: integer(256 * 1024 * 1024, 1024 * 1024, 64 * 1024 * 1024 * 1024, 'byte count'),
    STORAGE_SPOOL_MAX_BYTES: integer(2 * 1024 * 1024 * 1024, 0, 1024 * 1024 * 1024 * 1024, 'byte count'),
  })
  .superRefine((config, context) => {
    // Only when both values are valid on their own (zod runs refinements after field errors too).
    if (config.HLS_SEGMENT_SECONDS >= 0.5 && config.HLS_PART_SECONDS >= config.HLS_SEGMENT_SECONDS) {
      context.addIssue({
        code: 'custom',
        path: ['HLS_PART_SECONDS'],
        message: 'expected less than HLS_SEGMENT_SECONDS',
      });
    }
    if (config.NODE_URL !== undefined && config.CLUSTER_SECRET === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['CLUSTER_SECRET'],
        message: 'required when NODE_URL is set (peers authenticate with it)',
      });
    }
    if (config.NODE_URL !== undefined && config.SECRETS_ENCRYPTION_KEY === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['SECRETS_ENCRYPTION_KEY'],
        message: 'required when NODE_URL is set (every node must read the secrets any node stored)',
      });
    }
    if (config.METRICS_PORT !== undefined && [config.HTTP_PORT, config.RTMP_PORT].includes(config.METRICS_PORT)) {
      context.addIssue({ code: 'custom', path: ['METRICS_PORT'], message: 'expected a port of its own' });
    }
    if ((config.RTMPS_CERT_FILE === undefined) !== (config.RTMPS_KEY_FILE === undefined)) {
      const missing = config.RTMPS_CERT_FILE === undefined ? 'RTMPS_CERT_FILE' : 'RTMPS_KEY_FILE';
      context.addIssue({
        code: 'custom',
        path: [missing],
        message: 'required with the other of RTMPS_CERT_FILE / RTMPS_KEY_FILE (RTMPS needs a certificate and its key)',
      });
    }
    const rtmpsOn = config.RTMPS_CERT_FILE !== undefined && config.RTMPS_KEY_FILE !== undefined;
    if (rtmpsOn && [config.HTTP_PORT, config.RTMP_PORT, config.METRICS_PORT].includes(config.RTMPS_PORT)) {
      context.addIssue({
        code: 'custom',
        path: ['RTMPS_PORT'],
        message: 'expected a port of its own (not HTTP_PORT, RTMP_PORT or METRICS_PORT)',
      });
    }
    // A held blocking playlist reload sends nothing for up to 3 target durations (a target is at least a segment).
    if (config.HTTP_CONNECTION_TIMEOUT_MS < config.HLS_SEGMENT_SECONDS * 4 * 1000) {
      context.addIssue({
        code: 'custom',
        path: ['HTTP_CONNECTION_TIMEOUT_MS'],
        message: 'expected at least 4 × HLS_SEGMENT_SECONDS (LL-HLS blocking reloads are held that long)',
      });
    }
    if (config.STORAGE === 'gcs' && config.GCS_BUCKET === undefined) {
      context.addIssue({ code: 'custom', path: ['GCS_BUCKET'], message: 'required when STORAGE=gcs' });
    }
  });

export type RawConfig = z.output<typeof configSchema>;
export type ConfigVariable = keyof typeof configSchema.shape;
export const CONFIG_VARIABLES = Object.keys(configSchema.shape) as ConfigVariable[];
