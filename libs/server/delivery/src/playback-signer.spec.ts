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
