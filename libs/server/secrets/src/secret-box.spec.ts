import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { SecretBox, SecretBoxError } from './secret-box.js';
import { loadSecretsKey, SECRETS_KEY_FILE } from './secrets-key.js';

const key = (fill: number) => Buffer.alloc(32, fill);
const SECRET = 'live_sk_9f8e7d6c5b4a3210';

function rejects(run: () => unknown, code: SecretBoxError['code']): SecretBoxError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof SecretBoxError, String(error));
    assert.equal(error.code, code, error.message);
    assert.doesNotMatch(error.message, new RegExp(SECRET), 'never the plaintext');
    return error;
  }
  assert.fail(`expected ${code}`);
}

/** `sealed` with one base64url character of part `index` changed (still valid base64url). */
function flip(sealed: string, index: number): string {
  const parts = sealed.split('.');
  const part = parts[index]!;
  parts[index] = (part[0] === 'A' ? 'B' : 'A') + part.slice(1);
  return parts.join('.');
}

describe('SecretBox', () => {
  const box = new SecretBox(key(1));

  it('opens what it sealed: text of any length and script, with its context', () => {
    for (const text of [SECRET, '', 'ключ 🔑 with spaces?a=1&b=2', 'x'.repeat(10_000)]) {
      assert.equal(box.open(box.seal(text, 'target-1'), 'target-1'), text);
    }
    assert.equal(box.open(box.seal(SECRET)), SECRET, 'context is optional');
  });

  it('writes one versioned blob naming its key, with a fresh IV each time and no plaintext in it', () => {
    const a = box.seal(SECRET, 'ctx');
    const b = box.seal(SECRET, 'ctx');
    assert.notEqual(a, b, 'random IV: equal secrets do not look equal');
    const [version, keyId, iv, ciphertext, tag] = a.split('.');
    assert.equal(version, 'v1');
    assert.equal(keyId, box.keyId);
    assert.match(box.keyId, /^[0-9a-f]{8}$/);
    assert.equal(Buffer.from(iv!, 'base64url').length, 12);
    assert.equal(Buffer.from(ciphertext!, 'base64url').length, Buffer.byteLength(SECRET));
    assert.equal(Buffer.from(tag!, 'base64url').length, 16);
    assert.ok(!a.includes(SECRET) && !a.includes(Buffer.from(SECRET).toString('base64url')));
  });

  it('detects tampering with the IV, the ciphertext, the tag or the context', () => {
    const sealed = box.seal(SECRET, 'target-1');
    rejects(() => box.open(flip(sealed, 2), 'target-1'), 'tampered');
    rejects(() => box.open(flip(sealed, 3), 'target-1'), 'tampered');
    rejects(() => box.open(flip(sealed, 4), 'target-1'), 'tampered');
    rejects(() => box.open(sealed, 'target-2'), 'tampered');
    rejects(() => box.open(sealed), 'tampered');
  });

  it('fails clearly with another key, naming both key ids', () => {
    const other = new SecretBox(key(2));
    assert.notEqual(other.keyId, box.keyId);
    const error = rejects(() => other.open(box.seal(SECRET, 'c'), 'c'), 'wrong-key');
    assert.match(error.message, new RegExp(`sealed with key ${box.keyId}, this server has key ${other.keyId}`));
    assert.match(error.message, /SECRETS_ENCRYPTION_KEY/);
    // A forged key id with the right key's name still fails authentication.
    const relabelled = box.seal(SECRET).split('.');
    relabelled[1] = other.keyId;
    rejects(() => other.open(relabelled.join('.')), 'tampered');
  });

  it('refuses what it did not write', () => {
    for (const junk of ['', 'plain text', 'v1.abc', `v1.${box.keyId}.AA.AA.AA`, `v1.${box.keyId}.x.y.z.w`])
      rejects(() => box.open(junk), 'malformed');
    rejects(() => box.open(box.seal(SECRET).replace(/^v1/, 'v2')), 'unsupported-version');
  });

  it('takes only 32-byte keys', () => {
    assert.throws(() => new SecretBox(Buffer.alloc(16)), RangeError);
  });
});

describe('loadSecretsKey', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'rr-secrets-'));
    dirs.push(dir);
    return dir;
  };
  after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('uses SECRETS_ENCRYPTION_KEY when set, and writes no file', () => {
    const dataDir = tempDir();
    const { key: loaded, origin } = loadSecretsKey({ secretsEncryptionKey: key(7).toString('base64'), dataDir });
    assert.deepEqual([loaded, origin], [key(7), 'environment']);
    assert.throws(() => statSync(join(dataDir, SECRETS_KEY_FILE)), /ENOENT/);
  });

  it('creates a random key in DATA_DIR once (mode 0600) and reads the same one back', () => {
    const dataDir = join(tempDir(), 'nested');
    const first = loadSecretsKey({ dataDir });
    assert.equal(first.origin, 'file');
    assert.equal(first.key.length, 32);
    assert.equal(statSync(join(dataDir, SECRETS_KEY_FILE)).mode & 0o777, 0o600);
    assert.deepEqual(loadSecretsKey({ dataDir }).key, first.key, 'the same key on the next start');
    assert.equal(readFileSync(join(dataDir, SECRETS_KEY_FILE), 'utf8').trim(), first.key.toString('base64'));
    // What one start sealed, the next opens.
    const sealed = new SecretBox(first.key).seal(SECRET);
    assert.equal(new SecretBox(loadSecretsKey({ dataDir }).key).open(sealed), SECRET);
  });

  it('stops on a damaged or unreadable key file instead of replacing it', () => {
    const damaged = tempDir();
    writeFileSync(join(damaged, SECRETS_KEY_FILE), 'not a key');
    assert.throws(() => loadSecretsKey({ dataDir: damaged }), /does not hold base64 of 32 bytes.*Restore the original/);
    assert.equal(readFileSync(join(damaged, SECRETS_KEY_FILE), 'utf8'), 'not a key', 'left as it was');
    const unreadable = tempDir();
    mkdirSync(join(unreadable, SECRETS_KEY_FILE)); // a directory where the file should be: EISDIR
    assert.throws(() => loadSecretsKey({ dataDir: unreadable }), /EISDIR/);
  });
});
