import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '@rapidrtmp/server-config';
import { PlaybackSigner } from './playback-signer.js';

function withDataDir(run: (dataDir: string) => void): void {
  const dataDir = mkdtempSync(join(tmpdir(), 'rr-signer-'));
  try {
    run(dataDir);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const signerIn = (dataDir: string) => new PlaybackSigner(loadConfig({ DATA_DIR: dataDir }));

describe('PlaybackSigner', () => {
  it('creates a 32-byte secret file on first start and signs with it on the next', () => {
    withDataDir((dataDir) => {
      const token = signerIn(dataDir).sign('abc', 60).token;
      assert.ok(Buffer.byteLength(readFileSync(join(dataDir, 'playback-signing.secret'), 'utf8')) >= 32);
      assert.equal(signerIn(dataDir).verify('abc', token), true);
    });
  });

  it('refuses to start on a secret file shorter than 32 bytes (an empty one would make tokens forgeable)', () => {
    withDataDir((dataDir) => {
      for (const content of ['', '\n', 'short secret', 'x'.repeat(31)]) {
        writeFileSync(join(dataDir, 'playback-signing.secret'), content);
        assert.throws(
          () => signerIn(dataDir),
          /playback-signing\.secret holds \d+ bytes; at least 32 are needed/,
          JSON.stringify(content),
        );
      }
      writeFileSync(join(dataDir, 'playback-signing.secret'), 'y'.repeat(32));
      assert.equal(signerIn(dataDir).verify('abc', signerIn(dataDir).sign('abc', 60).token), true);
    });
  });
});

describe('PlaybackSigner tokens', () => {
  const config = (env: Record<string, string>) => loadConfig({ DATA_DIR: tmpdir(), ...env });
  const SECRET = 'a playback signing secret of 32+ characters';

  it('rounds expiries up to a tenth of the lifetime (a minute at most), so viewers share tokens', () => {
    const signer = new PlaybackSigner(config({ PLAYBACK_SIGNING_SECRET: SECRET }));
    const before = Date.now();
    const hour = signer.sign('abc', 3600);
    assert.equal(hour.expiresAt.getTime() % 60_000, 0);
    assert.ok(hour.expiresAt.getTime() >= before + 3_600_000);
    assert.ok(hour.expiresAt.getTime() <= Date.now() + 3_660_000);
    const minute = signer.sign('abc', 60);
    assert.equal(minute.expiresAt.getTime() % 6000, 0);
    assert.ok(minute.expiresAt.getTime() >= before + 60_000);
    // Two viewers in the same step get the same token (unless the step ended between the two calls).
    const [a, b] = [signer.sign('abc', 3600), signer.sign('abc', 3600)];
    if (a.expiresAt.getTime() === b.expiresAt.getTime()) assert.equal(a.token, b.token);
    assert.equal(signer.verify('abc', hour.token), true);
    assert.equal(signer.verify('abd', hour.token), false);
  });

  it('knows a checked token until it expires, and never a wrong one', () => {
    const signer = new PlaybackSigner(config({ PLAYBACK_SIGNING_SECRET: SECRET }));
    const { token, expiresAt } = signer.sign('abc', 60);
    const now = Date.now();
    assert.equal(signer.verify('abc', token, now), true);
    assert.equal(signer.verify('abc', token, now + 1), true);
    assert.equal(signer.verify('abc', token, expiresAt.getTime()), false);
    assert.equal(signer.verify('abc', token, expiresAt.getTime() - 1), true);
    const forged = `${token.slice(0, -2)}xx`;
    for (let i = 0; i < 3; i++) assert.equal(signer.verify('abc', forged, now), false);
    assert.equal(signer.verify('abc', undefined, now), false);
    const other = new PlaybackSigner(config({ PLAYBACK_SIGNING_SECRET: `${SECRET}, another` }));
    assert.equal(other.verify('abc', token, now), false);
  });

  it('stays bounded under many viewers, and checks evicted tokens again', () => {
    const signer = new PlaybackSigner(config({ PLAYBACK_SIGNING_SECRET: SECRET }));
    const tokens = Array.from({ length: 10_050 }, (_, i) => signer.sign(`id${i}`, 600 + i).token);
    for (const [i, token] of tokens.entries()) assert.equal(signer.verify(`id${i}`, token), true);
    for (const [i, token] of tokens.entries()) assert.equal(signer.verify(`id${i}`, token), true);
  });

  it('in a cluster without PLAYBACK_SIGNING_SECRET, every node checks what any node issued', () => {
    withDataDir((dirA) =>
      withDataDir((dirB) => {
        const cluster = { CLUSTER_SECRET: 'the cluster secret, 32 characters or more', NODE_URL: 'http://a:8080' };
        const keys = { SECRETS_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64') };
        const a = new PlaybackSigner(loadConfig({ DATA_DIR: dirA, ...cluster, ...keys }));
        const b = new PlaybackSigner(loadConfig({ DATA_DIR: dirB, ...cluster, ...keys, NODE_URL: 'http://b:8080' }));
        assert.equal(b.verify('abc', a.sign('abc', 60).token), true);
        // Neither wrote a per-node secret, and the derived one is not the cluster secret itself.
        assert.throws(() => readFileSync(join(dirA, 'playback-signing.secret')));
        const plain = new PlaybackSigner(
          loadConfig({ DATA_DIR: dirB, PLAYBACK_SIGNING_SECRET: cluster.CLUSTER_SECRET }),
        );
        assert.equal(plain.verify('abc', a.sign('abc', 60).token), false);
      }),
    );
  });
});
