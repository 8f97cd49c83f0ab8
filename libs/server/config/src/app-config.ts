import { join, resolve } from 'node:path';
import { formatCidr, parseCidrList } from '@rapidrtmp/server-outbound';
import { configSchema, type RawConfig } from './config-schema.js';
import { parseTrustProxy } from './trust-proxy.js';

/** One problem with one environment variable. */
export interface ConfigIssue {
  variable: string;
  message: string;
  value: string | undefined;
}

/** Start-up configuration is invalid; the message names every bad variable and what it expected. */
export class ConfigError extends Error {
  constructor(readonly issues: ConfigIssue[]) {
    super(
      'Invalid configuration:\n' +
        issues
          .map(
            (i) => `  ${i.variable}: ${i.message}${i.value === undefined ? '' : ` (got ${JSON.stringify(redact(i))})`}`,
          )
          .join('\n'),
    );
    this.name = 'ConfigError';
  }
}

function redact(issue: ConfigIssue): string | undefined {
  return /PASSWORD|SECRET|TOKEN|DATABASE_URL/.test(issue.variable) ? '<redacted>' : issue.value;
}

export interface RtmpLimits {
  maxConnections: number;
  maxConnectionsPerIp: number;
  handshakeTimeoutMs: number;
  idleTimeoutMs: number;
  maxMessageBytes: number;
  maxChunkStreams: number;
  outgoingChunkSize: number;
  duplicatePublish: 'reject' | 'takeover';
  /** A publishing socket is read at most once per this many ms (merged reads); 0 reads as bytes arrive. */
  readIntervalMs: number;
}

/** RTMPS ingest: the same RTMP sessions behind TLS, on a port of its own. */
export interface RtmpsSettings {
  port: number;
  /** PEM certificate (chain) and private key, absolute paths; reloaded when they change. */
  certFile: string;
  keyFile: string;
}

export interface HlsSettings {
  segmentSeconds: number;
  partSeconds: number;
  /** PART-HOLD-BACK in part targets: how far behind the live edge LL-HLS players sit (RFC 8216bis: at least 2). */
  partHoldBackParts: number;
  windowSegments: number;
  /**
   * Seconds of the newest parts whose bytes stay in memory; older parts leave once stored (a stream's spill
   * file grows part by part; a recording is uploaded a segment at a time) and are read back from there
   * (SegmentWindow.releaseStoredParts).
   */
  memorySeconds: number;
  /** Segments and parts read back from storage (older than the memory window) are cached up to this many bytes. */
  storageCacheBytes: number;
  republishGraceSeconds: number;
  /** Blocking reloads and hinted-part requests held at once, in total and per client address. */
  maxBlockingRequests: number;
  maxBlockingRequestsPerIp: number;
}

/** The HTTP listener's edge: proxies, timeouts, connection limits, and who may read /metrics. */
export interface HttpSettings {
  /** Fastify's `trustProxy`: false, a hop count, or the proxies' addresses / CIDR ranges. */
  trustProxy: false | number | string[];
  /** Whole request (headers and body) must arrive within this. */
  requestTimeoutMs: number;
  /** Idle socket (no bytes either way) timeout. */
  connectionTimeoutMs: number;
  maxConnectionsPerIp: number;
  /** Bearer token /metrics requires; unset: none. */
  metricsToken?: string;
  /** Serve /metrics on this port only; unset: on the HTTP port. */
  metricsPort?: number;
}

/** Connections the server opens to addresses users gave it (webhooks; later restream targets). */
export interface OutboundSettings {
  /** Internal ranges allowed besides public addresses (OUTBOUND_ALLOW_CIDRS), canonical CIDR text. */
  allowCidrs: string[];
}

/** Membership of a cluster of nodes on one PostgreSQL (see the README, "Running several nodes"). */
export interface ClusterSettings {
  /** Base URL peers reach this node's HTTP listener at; unset: peers cannot pull streams from this node. */
  nodeUrl?: string;
  /** Authenticates node-to-node requests; set whenever `nodeUrl` is. */
  secret?: string;
  /** A node (and its streams' leases) counts as lost this long after its last heartbeat. */
  leaseSeconds: number;
  /** Bytes of immutable objects kept from other nodes when serving their streams (edge cache). */
  edgeCacheBytes: number;
}

/** Pushing live streams to users' restream targets. */
export interface RestreamSettings {
  /** The cap of the backoff between attempts to reach a target (RESTREAM_RETRY_MAX_SECONDS). */
  retryMaxMs: number;
}

/** Thumbnail decoding: ffmpeg child processes, bounded in number, queue, time and cache memory. */
export interface ThumbnailSettings {
  /** The ffmpeg command (FFMPEG_PATH): a name looked up on PATH, or a path. */
  ffmpegPath: string;
  /** Decoders running at once, for every stream and recording together. */
  maxDecoders: number;
  /** Decodes waiting for a decoder; past it requests are answered 503 with Retry-After. */
  maxQueue: number;
  /** A decode running longer is killed, and a request waiting longer for a decoder is not kept: both 503. */
  decodeTimeoutMs: number;
  /** Memory for recent images, shared by all streams. */
  cacheBytes: number;
}

/** RTMP play and HTTP-FLV players: how many, and how far one may fall behind before it is cut back or off. */
export interface PlaybackSettings {
  /** Players (RTMP and HTTP-FLV together) on this node; past it new ones are refused. */
  maxPlayers: number;
  /** Players of one stream on this node. */
  maxPlayersPerStream: number;
  /** Media a player may have queued while its socket is full; past it packets are dropped to the next keyframe. */
  maxQueuedBytes: number;
  /** A player whose socket takes nothing for this long is disconnected. */
  stallTimeoutMs: number;
  /** Whether a stream holds its group of pictures always or only while players may join (LiveStream GopCache). */
  gopCache: 'on-demand' | 'always';
}

export interface StorageSettings {
  /** `local`: files under `localDir`; `gcs`: objects in `gcsBucket`. */
  backend: 'local' | 'gcs';
  /** The local media tree (STORAGE_LOCAL_DIR, default DATA_DIR/media). */
  localDir: string;
  /**
   * fdatasync each local object before renaming it into place (STORAGE_LOCAL_FSYNC, default false). Off, a put
   * is write + rename and the kernel writes the data back within ~30 s: a process crash loses nothing, a power
   * loss or kernel crash can lose the last seconds of recorded segments. On, objects survive power loss at the
   * cost of a disk flush per recorded segment.
   */
  localFsync: boolean;
  /** Set (and required) when `backend` is `gcs`. */
  gcsBucket?: string;
  /** A GCS-compatible endpoint (e.g. a local fake); requests to it are sent without credentials. */
  gcsApiEndpoint?: string;
  /** Bytes the write-behind uploader may hold in memory; beyond it items go straight to the spool. */
  queueMaxBytes: number;
  /** Bytes kept in `DATA_DIR/spool` while the store is unreachable; beyond it items are dropped. */
  spoolMaxBytes: number;
}

/**
 * The validated server configuration. A class so Nest can inject it by type; built once at start-up
 * by `loadConfig` and passed everywhere else (no `process.env` reads deeper in the code).
 */
export class AppConfig {
  readonly httpPort!: number;
  readonly rtmpPort!: number;
  readonly host!: string;
  /** Absolute path of the data directory (embedded database, local media). */
  readonly dataDir!: string;
  /** Unset means the embedded PostgreSQL the server runs in `dataDir/postgres`. */
  readonly databaseUrl?: string;
  readonly adminEmail?: string;
  readonly adminPassword?: string;
  /** Base URL users reach the server at, without trailing slash. */
  readonly publicUrl!: string;
  readonly logLevel!: RawConfig['LOG_LEVEL'];
  /** V8's old-generation growing factor in percent over 1 (0: V8's own heuristics); see apps/server heap-growth. */
  readonly heapGrowthPercent!: number;
  /** How media slabs are recycled (see @rapidrtmp/media-core MediaArena): reuse, and the checked mode. */
  readonly mediaBuffers!: { readonly recycle: boolean; readonly check: boolean };
  readonly nodeId!: string;
  readonly shutdownGraceMs!: number;
  /** Unset: a random secret kept in DATA_DIR (fine for one node). */
  readonly playbackSigningSecret?: string;
  /** Base64 of the 32-byte key sealing stored secrets; unset: a per-node key kept in DATA_DIR (one node only). */
  readonly secretsEncryptionKey?: string;
  /** Unset: recordings are kept until deleted. */
  readonly recordingRetentionDays?: number;
  /** While the database is unreachable, a stream key authorized within this long may still publish (0: none). */
  readonly keyCacheTtlSeconds!: number;
  readonly rtmp!: RtmpLimits;
  /** Unset: RTMPS is off (RTMPS_CERT_FILE and RTMPS_KEY_FILE not set). */
  readonly rtmps?: RtmpsSettings;
  readonly hls!: HlsSettings;
  readonly storage!: StorageSettings;
  readonly cluster!: ClusterSettings;
  readonly http!: HttpSettings;
  readonly outbound!: OutboundSettings;
  readonly restream!: RestreamSettings;
  readonly playback!: PlaybackSettings;
  readonly thumbnails!: ThumbnailSettings;

  constructor(values: AppConfig) {
    Object.assign(this, values);
    Object.freeze(this);
  }

  get embeddedDatabase(): boolean {
    return this.databaseUrl === undefined;
  }
}

/** Validates `env` once and returns the configuration, or throws a ConfigError naming each bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const parsed = configSchema.safeParse(pickKnown(env));
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const variable = String(issue.path[0] ?? '(config)');
        return { variable, message: issue.message, value: env[variable] };
      }),
    );
  }
  const raw = parsed.data;
  return new AppConfig({
    httpPort: raw.HTTP_PORT,
    rtmpPort: raw.RTMP_PORT,
    host: raw.HOST,
    dataDir: resolve(raw.DATA_DIR),
    databaseUrl: raw.DATABASE_URL,
    adminEmail: raw.ADMIN_EMAIL?.toLowerCase(),
    adminPassword: raw.ADMIN_PASSWORD,
    publicUrl: (raw.PUBLIC_URL ?? `http://localhost:${raw.HTTP_PORT}`).replace(/\/+$/, ''),
    logLevel: raw.LOG_LEVEL,
    heapGrowthPercent: raw.HEAP_GROWTH_PERCENT,
    mediaBuffers: { recycle: raw.MEDIA_BUFFER_RECYCLING, check: raw.MEDIA_BUFFER_CHECK },
    nodeId: raw.NODE_ID,
    shutdownGraceMs: raw.SHUTDOWN_GRACE_MS,
    playbackSigningSecret: raw.PLAYBACK_SIGNING_SECRET,
    secretsEncryptionKey: raw.SECRETS_ENCRYPTION_KEY,
    recordingRetentionDays: raw.RECORDING_RETENTION_DAYS,
    keyCacheTtlSeconds: raw.KEY_CACHE_TTL_SECONDS,
    rtmp: {
      maxConnections: raw.RTMP_MAX_CONNECTIONS,
      maxConnectionsPerIp: raw.RTMP_MAX_CONNECTIONS_PER_IP,
      handshakeTimeoutMs: raw.RTMP_HANDSHAKE_TIMEOUT_MS,
      idleTimeoutMs: raw.RTMP_IDLE_TIMEOUT_MS,
      maxMessageBytes: raw.RTMP_MAX_MESSAGE_BYTES,
      maxChunkStreams: raw.RTMP_MAX_CHUNK_STREAMS,
      outgoingChunkSize: raw.RTMP_CHUNK_SIZE,
      duplicatePublish: raw.RTMP_DUPLICATE_PUBLISH,
      readIntervalMs: raw.RTMP_READ_INTERVAL_MS,
    },
    rtmps:
      raw.RTMPS_CERT_FILE !== undefined && raw.RTMPS_KEY_FILE !== undefined
        ? { port: raw.RTMPS_PORT, certFile: resolve(raw.RTMPS_CERT_FILE), keyFile: resolve(raw.RTMPS_KEY_FILE) }
        : undefined,
    hls: {
      segmentSeconds: raw.HLS_SEGMENT_SECONDS,
      partSeconds: raw.HLS_PART_SECONDS,
      partHoldBackParts: raw.HLS_PART_HOLD_BACK_PARTS,
      windowSegments: raw.HLS_WINDOW,
      memorySeconds: raw.HLS_MEMORY_SECONDS,
      storageCacheBytes: raw.HLS_STORAGE_CACHE_BYTES,
      republishGraceSeconds: raw.HLS_REPUBLISH_GRACE_SECONDS,
      maxBlockingRequests: raw.HLS_MAX_BLOCKING_REQUESTS,
      maxBlockingRequestsPerIp: raw.HLS_MAX_BLOCKING_REQUESTS_PER_IP,
    },
    cluster: {
      nodeUrl: raw.NODE_URL?.replace(/\/+$/, ''),
      secret: raw.CLUSTER_SECRET,
      leaseSeconds: raw.CLUSTER_LEASE_SECONDS,
      edgeCacheBytes: raw.EDGE_CACHE_BYTES,
    },
    http: {
      trustProxy: raw.TRUST_PROXY === undefined ? false : (parseTrustProxy(raw.TRUST_PROXY) ?? false),
      requestTimeoutMs: raw.HTTP_REQUEST_TIMEOUT_MS,
      connectionTimeoutMs: raw.HTTP_CONNECTION_TIMEOUT_MS,
      maxConnectionsPerIp: raw.HTTP_MAX_CONNECTIONS_PER_IP,
      metricsToken: raw.METRICS_TOKEN,
      metricsPort: raw.METRICS_PORT,
    },
    outbound: { allowCidrs: allowCidrs(raw.OUTBOUND_ALLOW_CIDRS) },
    restream: { retryMaxMs: raw.RESTREAM_RETRY_MAX_SECONDS * 1000 },
    playback: {
      maxPlayers: raw.PLAYBACK_MAX_PLAYERS,
      maxPlayersPerStream: raw.PLAYBACK_MAX_PLAYERS_PER_STREAM,
      maxQueuedBytes: raw.PLAYBACK_MAX_QUEUE_BYTES,
      stallTimeoutMs: raw.PLAYBACK_STALL_TIMEOUT_MS,
      gopCache: raw.PLAYBACK_GOP_CACHE,
    },
    thumbnails: {
      ffmpegPath: raw.FFMPEG_PATH,
      maxDecoders: raw.THUMBNAIL_MAX_DECODERS,
      maxQueue: raw.THUMBNAIL_MAX_QUEUE,
      decodeTimeoutMs: raw.THUMBNAIL_DECODE_TIMEOUT_MS,
      cacheBytes: raw.THUMBNAIL_CACHE_BYTES,
    },
    storage: {
      backend: raw.STORAGE,
      localDir: resolve(raw.STORAGE_LOCAL_DIR ?? join(raw.DATA_DIR, 'media')),
      localFsync: raw.STORAGE_LOCAL_FSYNC,
      gcsBucket: raw.STORAGE === 'gcs' ? raw.GCS_BUCKET : undefined,
      gcsApiEndpoint: raw.STORAGE === 'gcs' ? raw.GCS_API_ENDPOINT?.replace(/\/+$/, '') : undefined,
      queueMaxBytes: raw.STORAGE_QUEUE_MAX_BYTES,
      spoolMaxBytes: raw.STORAGE_SPOOL_MAX_BYTES,
    },
  } as AppConfig);
}

function allowCidrs(text: string | undefined): string[] {
  const parsed = parseCidrList(text ?? '');
  return 'ranges' in parsed ? parsed.ranges.map(formatCidr) : [];
}

/** Empty strings count as unset, as in most twelve-factor tooling. */
function pickKnown(env: Record<string, string | undefined>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const key of Object.keys(configSchema.shape)) {
    const value = env[key];
    out[key] = value === '' ? undefined : value;
  }
  return out;
}
