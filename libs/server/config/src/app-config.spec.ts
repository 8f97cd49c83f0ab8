import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from './app-config.js';

function errorFor(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, 'expected a ConfigError');
    return error;
  }
  assert.fail(`expected ${JSON.stringify(env)} to be rejected`);
}

/** A valid SECRETS_ENCRYPTION_KEY (base64 of 32 bytes). */
const KEY = Buffer.alloc(32, 0xfb).toString('base64');

describe('loadConfig', () => {
  it('applies the documented defaults to an empty environment', () => {
    const config = loadConfig({});
    assert.equal(config.httpPort, 8080);
    assert.equal(config.rtmpPort, 1935);
    assert.equal(config.host, '0.0.0.0');
    assert.ok(config.dataDir.endsWith('/data'));
    assert.equal(config.databaseUrl, undefined);
    assert.equal(config.embeddedDatabase, true);
    assert.equal(config.publicUrl, 'http://localhost:8080');
    assert.equal(config.logLevel, 'info');
    assert.equal(config.heapGrowthPercent, 50);
    assert.equal(config.shutdownGraceMs, 4000);
    assert.deepEqual(config.hls, {
      segmentSeconds: 2,
      partSeconds: 0.25,
      partHoldBackParts: 3,
      windowSegments: 10,
      memorySeconds: 1,
      storageCacheBytes: 32 * 1024 * 1024,
      republishGraceSeconds: 10,
      maxBlockingRequests: 10_000,
      maxBlockingRequestsPerIp: 1000,
    });
    assert.equal(config.rtmp.duplicatePublish, 'reject');
    assert.equal(config.rtmp.maxMessageBytes, 8 * 1024 * 1024);
    assert.match(config.nodeId, /^[A-Za-z0-9._-]+$/);
    assert.deepEqual(config.storage, {
      backend: 'local',
      localDir: `${config.dataDir}/media`,
      localFsync: false,
      gcsBucket: undefined,
      gcsApiEndpoint: undefined,
      queueMaxBytes: 256 * 1024 * 1024,
      spoolMaxBytes: 2 * 1024 * 1024 * 1024,
    });
    assert.deepEqual(config.cluster, {
      nodeUrl: undefined,
      secret: undefined,
      leaseSeconds: 15,
      edgeCacheBytes: 64 * 1024 * 1024,
    });
  });

  it('reads the HTTP edge settings: TRUST_PROXY as a hop count or proxy ranges, timeouts, the metrics guard', () => {
    assert.deepEqual(loadConfig({}).http, {
      trustProxy: false,
      requestTimeoutMs: 30_000,
      connectionTimeoutMs: 120_000,
      maxConnectionsPerIp: 4096,
      metricsToken: undefined,
      metricsPort: undefined,
    });
    assert.equal(loadConfig({ TRUST_PROXY: '2' }).http.trustProxy, 2);
    assert.deepEqual(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1,::1, fd00::/8' }).http.trustProxy, [
      '10.0.0.0/8',
      '127.0.0.1',
      '::1',
      'fd00::/8',
    ]);
    for (const bad of ['true', '0', '11', '10.0.0.0/33', 'proxy.example', '10.0.0.1/8/2', '::1/129'])
      assert.match(errorFor({ TRUST_PROXY: bad }).message, /TRUST_PROXY: expected a hop count/, bad);
    const metrics = loadConfig({ METRICS_TOKEN: 'a metrics token 123', METRICS_PORT: '9464' }).http;
    assert.equal(metrics.metricsToken, 'a metrics token 123');
    assert.equal(metrics.metricsPort, 9464);
    assert.match(errorFor({ METRICS_TOKEN: 'short' }).message, /METRICS_TOKEN: .*\(got "<redacted>"\)/);
    assert.match(errorFor({ METRICS_PORT: '8080' }).message, /METRICS_PORT: expected a port of its own/);
    assert.match(
      errorFor({ HLS_SEGMENT_SECONDS: '6', HTTP_CONNECTION_TIMEOUT_MS: '20000' }).message,
      /HTTP_CONNECTION_TIMEOUT_MS: expected at least 4 × HLS_SEGMENT_SECONDS/,
    );
  });

  it('turns RTMPS on only with both RTMPS_CERT_FILE and RTMPS_KEY_FILE, on a port of its own', () => {
    assert.equal(loadConfig({}).rtmps, undefined);
    assert.equal(loadConfig({ RTMPS_PORT: '1935' }).rtmps, undefined, 'a port alone (even RTMP_PORT) is off, no error');
    const files = { RTMPS_CERT_FILE: 'tls/tls.crt', RTMPS_KEY_FILE: '/etc/rtmps/tls.key' };
    assert.deepEqual(loadConfig(files).rtmps, {
      port: 1936,
      certFile: `${process.cwd()}/tls/tls.crt`,
      keyFile: '/etc/rtmps/tls.key',
    });
    assert.equal(loadConfig({ ...files, RTMPS_PORT: '4443' }).rtmps?.port, 4443);
    const onlyCert = errorFor({ RTMPS_CERT_FILE: '/etc/rtmps/tls.crt' });
    assert.deepEqual(
      onlyCert.issues.map((i) => i.variable),
      ['RTMPS_KEY_FILE'],
    );
    assert.match(onlyCert.message, /RTMPS_KEY_FILE: required with the other of RTMPS_CERT_FILE \/ RTMPS_KEY_FILE/);
    assert.match(errorFor({ RTMPS_KEY_FILE: '/k.pem' }).message, /RTMPS_CERT_FILE: required with the other/);
    const clashes: Array<Record<string, string>> = [
      { RTMPS_PORT: '1935' },
      { RTMPS_PORT: '8080' },
      { RTMPS_PORT: '9464', METRICS_PORT: '9464' },
      { RTMP_PORT: '1936' },
    ];
    for (const clash of clashes)
      assert.match(
        errorFor({ ...files, ...clash }).message,
        /RTMPS_PORT: expected a port of its own/,
        JSON.stringify(clash),
      );
    assert.match(errorFor({ ...files, RTMPS_PORT: '0' }).message, /RTMPS_PORT: expected an integer port/);
  });

  it('reads OUTBOUND_ALLOW_CIDRS as canonical ranges (none by default) and refuses anything else', () => {
    assert.deepEqual(loadConfig({}).outbound, { allowCidrs: [] });
    assert.deepEqual(loadConfig({ OUTBOUND_ALLOW_CIDRS: '127.0.0.0/8, ::1/128,10.1.2.3/16,FD00::/8' }).outbound, {
      allowCidrs: ['127.0.0.0/8', '::1/128', '10.1.0.0/16', 'fd00::/8'],
    });
    assert.deepEqual(loadConfig({ OUTBOUND_ALLOW_CIDRS: '192.168.1.10' }).outbound.allowCidrs, ['192.168.1.10/32']);
    for (const bad of ['localhost', '10.0.0.0/33', '127.0.0.0/8,hooks.internal', '*', '10.0.0.0/8/8']) {
      assert.match(
        errorFor({ OUTBOUND_ALLOW_CIDRS: bad }).message,
        /OUTBOUND_ALLOW_CIDRS: expected a comma-separated list of address ranges/,
        bad,
      );
    }
  });

  it('reads the cluster settings, and wants CLUSTER_SECRET with NODE_URL', () => {
    const config = loadConfig({
      NODE_URL: 'http://10.0.0.12:8080/',
      CLUSTER_SECRET: 'a shared secret of at least 32 chars',
      SECRETS_ENCRYPTION_KEY: KEY,
      CLUSTER_LEASE_SECONDS: '6',
      STORAGE_LOCAL_DIR: '/srv/media',
    });
    assert.equal(config.cluster.nodeUrl, 'http://10.0.0.12:8080');
    assert.equal(config.cluster.leaseSeconds, 6);
    assert.equal(config.storage.localDir, '/srv/media');
    const error = errorFor({ NODE_URL: 'http://10.0.0.12:8080' });
    assert.match(error.message, /CLUSTER_SECRET: required when NODE_URL is set/);
    assert.match(
      errorFor({ CLUSTER_SECRET: 'short' }).message,
      /CLUSTER_SECRET: expected at least 32 characters \(got "<redacted>"\)/,
    );
  });

  it('reads SECRETS_ENCRYPTION_KEY (base64 of 32 bytes), and wants it with NODE_URL', () => {
    assert.equal(loadConfig({}).secretsEncryptionKey, undefined);
    assert.equal(loadConfig({ SECRETS_ENCRYPTION_KEY: KEY }).secretsEncryptionKey, KEY);
    const urlSafe = KEY.replaceAll('+', '-').replaceAll('/', '_').replace(/=$/, '');
    assert.equal(loadConfig({ SECRETS_ENCRYPTION_KEY: urlSafe }).secretsEncryptionKey, urlSafe);
    for (const bad of ['short', Buffer.alloc(31).toString('base64'), Buffer.alloc(33).toString('base64'), `${KEY}x`])
      assert.match(
        errorFor({ SECRETS_ENCRYPTION_KEY: bad }).message,
        /SECRETS_ENCRYPTION_KEY: expected base64 of 32 random bytes.*\(got "<redacted>"\)/,
        bad,
      );
    assert.match(
      errorFor({ NODE_URL: 'http://10.0.0.12:8080', CLUSTER_SECRET: 'a shared secret of at least 32 chars' }).message,
      /SECRETS_ENCRYPTION_KEY: required when NODE_URL is set/,
    );
  });

  it('reads the restream backoff cap (RESTREAM_RETRY_MAX_SECONDS, 30 s by default)', () => {
    assert.deepEqual(loadConfig({}).restream, { retryMaxMs: 30_000 });
    assert.deepEqual(loadConfig({ RESTREAM_RETRY_MAX_SECONDS: '5' }).restream, { retryMaxMs: 5000 });
    assert.match(
      errorFor({ RESTREAM_RETRY_MAX_SECONDS: '0' }).message,
      /RESTREAM_RETRY_MAX_SECONDS: expected an integer/,
    );
  });

  it('reads the GCS storage settings', () => {
    const config = loadConfig({
      STORAGE: 'gcs',
      GCS_BUCKET: 'rapidrtmp-media.example',
      GCS_API_ENDPOINT: 'http://127.0.0.1:4443/',
      STORAGE_QUEUE_MAX_BYTES: '1048576',
      STORAGE_SPOOL_MAX_BYTES: '0',
    });
    assert.deepEqual(config.storage, {
      backend: 'gcs',
      localDir: `${config.dataDir}/media`,
      localFsync: false,
      gcsBucket: 'rapidrtmp-media.example',
      gcsApiEndpoint: 'http://127.0.0.1:4443',
      queueMaxBytes: 1024 * 1024,
      spoolMaxBytes: 0,
    });
  });

  it('reads STORAGE_LOCAL_FSYNC as a boolean, off by default', () => {
    assert.equal(loadConfig({}).storage.localFsync, false);
    for (const on of ['true', 'TRUE', '1', 'yes', 'on'])
      assert.equal(loadConfig({ STORAGE_LOCAL_FSYNC: on }).storage.localFsync, true, on);
    for (const off of ['false', 'False', '0', 'no', 'off', ''])
      assert.equal(loadConfig({ STORAGE_LOCAL_FSYNC: off }).storage.localFsync, false, off);
  });

  it('ignores the GCS settings for local storage', () => {
    const config = loadConfig({ STORAGE: 'local', GCS_BUCKET: 'media' });
    assert.equal(config.storage.backend, 'local');
    assert.equal(config.storage.gcsBucket, undefined);
  });

  it('reads every variable and normalises it', () => {
    const config = loadConfig({
      HTTP_PORT: '9000',
      RTMP_PORT: '19350',
      HOST: '127.0.0.1',
      DATA_DIR: '/tmp/rr',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test',
      ADMIN_EMAIL: 'Admin@Example.com',
      ADMIN_PASSWORD: 'correct horse battery',
      PUBLIC_URL: 'https://stream.example.com/',
      LOG_LEVEL: 'debug',
      NODE_ID: 'node-a',
    });
    assert.equal(config.httpPort, 9000);
    assert.equal(config.rtmpPort, 19350);
    assert.equal(config.dataDir, '/tmp/rr');
    assert.equal(config.embeddedDatabase, false);
    assert.equal(config.adminEmail, 'admin@example.com');
    assert.equal(config.publicUrl, 'https://stream.example.com');
    assert.equal(config.nodeId, 'node-a');
  });

  it('treats empty strings as unset', () => {
    const config = loadConfig({ DATABASE_URL: '', HTTP_PORT: '', PUBLIC_URL: '' });
    assert.equal(config.databaseUrl, undefined);
    assert.equal(config.httpPort, 8080);
  });

  const badValues: Array<[string, string, RegExp]> = [
    ['HTTP_PORT', 'abc', /HTTP_PORT: expected an integer port 1-65535 \(got "abc"\)/],
    ['HTTP_PORT', '0', /HTTP_PORT: expected an integer port/],
    ['HTTP_PORT', '70000', /HTTP_PORT: expected an integer port/],
    ['RTMP_PORT', '19.5', /RTMP_PORT: expected an integer port/],
    ['DATABASE_URL', 'mysql://localhost/db', /DATABASE_URL: expected a postgres:\/\/ or postgresql:\/\/ URL/],
    ['ADMIN_EMAIL', 'not-an-email', /ADMIN_EMAIL: expected an e-mail address/],
    ['ADMIN_PASSWORD', 'short', /ADMIN_PASSWORD: expected at least 12 characters \(got "<redacted>"\)/],
    ['PUBLIC_URL', 'ftp://example.com', /PUBLIC_URL: expected an http\(s\) URL/],
    ['LOG_LEVEL', 'verbose', /LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent/],
    ['NODE_ID', 'has spaces', /NODE_ID: expected 1-128 characters/],
    ['SHUTDOWN_GRACE_MS', '10', /SHUTDOWN_GRACE_MS: expected milliseconds between 100 and 60000/],
    ['RTMP_MAX_CONNECTIONS', '0', /RTMP_MAX_CONNECTIONS: expected an integer count between 1 and 100000/],
    ['RTMP_IDLE_TIMEOUT_MS', 'soon', /RTMP_IDLE_TIMEOUT_MS: expected an integer milliseconds between 500 and 600000/],
    ['RTMP_MAX_MESSAGE_BYTES', '1024', /RTMP_MAX_MESSAGE_BYTES: expected an integer byte count between 65536/],
    ['RTMP_DUPLICATE_PUBLISH', 'kick', /RTMP_DUPLICATE_PUBLISH: expected reject or takeover/],
    ['HLS_SEGMENT_SECONDS', '0.1', /HLS_SEGMENT_SECONDS: expected seconds between 0.5 and 30/],
    ['HLS_PART_SECONDS', 'x', /HLS_PART_SECONDS: expected seconds between 0.1 and 5/],
    [
      'RECORDING_RETENTION_DAYS',
      'forever',
      /RECORDING_RETENTION_DAYS: expected an integer number of days between 1 and 36500/,
    ],
    ['HLS_WINDOW', '2', /HLS_WINDOW: expected an integer segment count between 3 and 1000/],
    ['HEAP_GROWTH_PERCENT', '500', /HEAP_GROWTH_PERCENT: expected an integer percent between 0 and 400/],
    ['STORAGE', 's3', /STORAGE: expected local or gcs \(got "s3"\)/],
    ['GCS_BUCKET', 'gs://media', /GCS_BUCKET: expected a bucket name/],
    ['GCS_BUCKET', 'Media', /GCS_BUCKET: expected a bucket name/],
    ['GCS_BUCKET', 'ab', /GCS_BUCKET: expected a bucket name/],
    ['GCS_API_ENDPOINT', 'localhost:4443', /GCS_API_ENDPOINT: expected an http\(s\) URL/],
    ['STORAGE_QUEUE_MAX_BYTES', '1000', /STORAGE_QUEUE_MAX_BYTES: expected an integer byte count between 1048576/],
    ['STORAGE_QUEUE_MAX_BYTES', '256MiB', /STORAGE_QUEUE_MAX_BYTES: expected an integer byte count/],
    ['STORAGE_SPOOL_MAX_BYTES', '-1', /STORAGE_SPOOL_MAX_BYTES: expected an integer byte count between 0/],
    ['STORAGE_SPOOL_MAX_BYTES', '1.5', /STORAGE_SPOOL_MAX_BYTES: expected an integer byte count/],
    [
      'STORAGE_LOCAL_FSYNC',
      'sometimes',
      /STORAGE_LOCAL_FSYNC: expected true or false \(also 1\/0, yes\/no, on\/off\) \(got "sometimes"\)/,
    ],
  ];
  for (const [variable, value, expected] of badValues) {
    it(`rejects ${variable}=${JSON.stringify(value)} with a message naming it`, () => {
      const error = errorFor({ [variable]: value });
      assert.match(error.message, expected);
      assert.deepEqual(
        error.issues.map((i) => i.variable),
        [variable],
      );
    });
  }

  it('requires LL-HLS parts shorter than segments', () => {
    const error = errorFor({ HLS_SEGMENT_SECONDS: '1', HLS_PART_SECONDS: '1' });
    assert.match(error.message, /HLS_PART_SECONDS: expected less than HLS_SEGMENT_SECONDS/);
  });

  it('requires GCS_BUCKET when STORAGE=gcs', () => {
    const error = errorFor({ STORAGE: 'gcs' });
    assert.match(error.message, /GCS_BUCKET: required when STORAGE=gcs/);
    assert.deepEqual(
      error.issues.map((i) => i.variable),
      ['GCS_BUCKET'],
    );
  });

  it('reports a bad GCS_BUCKET once, not also as missing', () => {
    const error = errorFor({ STORAGE: 'gcs', GCS_BUCKET: 'gs://media' });
    assert.deepEqual(
      error.issues.map((i) => i.variable),
      ['GCS_BUCKET'],
    );
  });

  it('reports every bad variable at once', () => {
    const error = errorFor({ HTTP_PORT: 'x', LOG_LEVEL: 'loud' });
    assert.deepEqual(error.issues.map((i) => i.variable).sort(), ['HTTP_PORT', 'LOG_LEVEL']);
  });

  it('never echoes a database URL that may hold a password', () => {
    const error = errorFor({ DATABASE_URL: 'mysql://user:secret@host/db' });
    assert.doesNotMatch(error.message, /secret/);
  });

  it('reads the player bounds of RTMP play and HTTP-FLV', () => {
    assert.deepEqual(loadConfig({}).playback, {
      maxPlayers: 1000,
      maxPlayersPerStream: 500,
      maxQueuedBytes: 4 * 1024 * 1024,
      stallTimeoutMs: 20_000,
      gopCache: 'on-demand',
    });
    const set = loadConfig({
      PLAYBACK_MAX_PLAYERS: '0',
      PLAYBACK_MAX_PLAYERS_PER_STREAM: '20',
      PLAYBACK_MAX_QUEUE_BYTES: '1048576',
      PLAYBACK_STALL_TIMEOUT_MS: '5000',
      PLAYBACK_GOP_CACHE: 'always',
    }).playback;
    assert.deepEqual(set, {
      maxPlayers: 0,
      maxPlayersPerStream: 20,
      maxQueuedBytes: 1024 * 1024,
      stallTimeoutMs: 5000,
      gopCache: 'always',
    });
    assert.match(
      errorFor({ PLAYBACK_GOP_CACHE: 'sometimes' }).message,
      /PLAYBACK_GOP_CACHE: expected on-demand or always/,
    );
    assert.match(
      errorFor({ PLAYBACK_MAX_QUEUE_BYTES: '1000' }).message,
      /PLAYBACK_MAX_QUEUE_BYTES: expected an integer byte count/,
    );
    assert.match(errorFor({ PLAYBACK_STALL_TIMEOUT_MS: 'soon' }).message, /PLAYBACK_STALL_TIMEOUT_MS/);
  });
});
