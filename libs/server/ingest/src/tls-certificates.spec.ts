import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, TLSSocket } from 'node:tls';
import { after, afterEach, before, describe, it } from 'node:test';
import {
  installCertificate,
  listenOnFreePort,
  selfSignedCertificate,
  type TestCertificate,
  waitFor,
} from '@rapidrtmp/test-support';
import {
  CertificateError,
  loadCertificate,
  type LoadedCertificate,
  ReloadingCertificate,
  type ReloadOptions,
} from './tls-certificates.js';

/** The fingerprint a TLS client sees from a server serving `context()` to each new connection. */
async function servedFingerprint(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
      resolve(socket.getPeerCertificate().fingerprint256);
      socket.destroy();
    });
    socket.once('error', reject);
  });
}

describe('tls-certificates', { timeout: 120_000 }, () => {
  let root: string;
  /** Pairs made once (openssl RSA keys take a while on a loaded machine), copied into each test's directory. */
  let pairs: TestCertificate[];
  const open: ReloadingCertificate[] = [];

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'rr-tls-certs-'));
    mkdirSync(join(root, 'made'));
    pairs = await Promise.all([0, 1, 2].map((i) => selfSignedCertificate(join(root, 'made'), { name: `pair${i}` })));
  });
  after(() => rmSync(root, { recursive: true, force: true }));
  afterEach(() => {
    for (const certificate of open.splice(0)) certificate.close();
  });

  let dirs = 0;
  /** A fresh directory holding `pair` as tls.crt / tls.key (copies, so the originals stay). */
  function directoryWith(pair: TestCertificate): { dir: string; certFile: string; keyFile: string } {
    const dir = join(root, `case${dirs++}`);
    mkdirSync(dir);
    const files = { dir, certFile: join(dir, 'tls.crt'), keyFile: join(dir, 'tls.key') };
    writeFileSync(files.certFile, pair.cert);
    writeFileSync(files.keyFile, pair.key);
    return files;
  }

  /** A copy of `pair` beside `dir`'s files, ready to be renamed over them. */
  function staged(pair: TestCertificate, dir: string): TestCertificate {
    const copy = { ...pair, certFile: join(dir, '.next.crt'), keyFile: join(dir, '.next.key') };
    writeFileSync(copy.certFile, pair.cert);
    writeFileSync(copy.keyFile, pair.key);
    return copy;
  }

  async function follow(files: { certFile: string; keyFile: string }, options: ReloadOptions = {}) {
    const reloaded: LoadedCertificate[] = [];
    const failed: CertificateError[] = [];
    const certificate = await ReloadingCertificate.open(
      files,
      { reloaded: (c) => reloaded.push(c), failed: (e) => failed.push(e) },
      { debounceMs: 50, ...options },
    );
    open.push(certificate);
    return { certificate, reloaded, failed };
  }

  it('loads a pair: fingerprint, subject and notAfter of the leaf', async () => {
    const loaded = await loadCertificate(pairs[0]!);
    assert.equal(loaded.fingerprint256, pairs[0]!.fingerprint256);
    assert.equal(loaded.subject, 'CN=localhost');
    const hoursLeft = (loaded.notAfter.getTime() - Date.now()) / 3_600_000;
    assert.ok(hoursLeft > 23 && hoursLeft <= 24, `notAfter in ${hoursLeft} h`);
  });

  it('refuses a missing file, a file that is no certificate, and a key of another certificate', async () => {
    const refusal = async (files: { certFile: string; keyFile: string }) =>
      loadCertificate(files).then(
        () => assert.fail('expected a CertificateError'),
        (error: unknown) => {
          assert.ok(error instanceof CertificateError);
          return error.code;
        },
      );
    const { certFile, keyFile } = pairs[0]!;
    assert.equal(await refusal({ certFile: join(root, 'nothing.crt'), keyFile }), 'unreadable');
    const empty = join(root, 'empty.crt');
    writeFileSync(empty, '');
    assert.equal(await refusal({ certFile: empty, keyFile }), 'invalid-certificate');
    const cut = join(root, 'cut.crt');
    writeFileSync(cut, pairs[0]!.cert.slice(0, 400));
    assert.equal(await refusal({ certFile: cut, keyFile }), 'invalid-certificate');
    assert.equal(await refusal({ certFile, keyFile: pairs[1]!.keyFile }), 'invalid-key');
    await assert.rejects(ReloadingCertificate.open({ certFile, keyFile: pairs[1]!.keyFile }, ignore()), {
      name: 'CertificateError',
      code: 'invalid-key',
    });
  });

  it('serves a replaced pair to new connections only; a live connection keeps its certificate', async () => {
    const files = directoryWith(pairs[0]!);
    const { certificate, reloaded, failed } = await follow(files);
    const server: Server = createServer((raw) => {
      const socket = new TLSSocket(raw, { isServer: true, secureContext: certificate.context });
      socket.on('error', () => undefined);
      socket.on('data', (data) => socket.write(data));
    });
    const port = await listenOnFreePort(server);
    try {
      assert.equal(await servedFingerprint(port), pairs[0]!.fingerprint256);
      const live = await new Promise<TLSSocket>((resolve) => {
        const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => resolve(socket));
      });

      await installCertificate(staged(pairs[1]!, files.dir), files);
      await waitFor('the reload', () => reloaded.length === 1 || undefined, 20_000, 20);
      assert.equal(reloaded[0]!.fingerprint256, pairs[1]!.fingerprint256);
      assert.equal(certificate.certificate.fingerprint256, pairs[1]!.fingerprint256);
      assert.equal(await servedFingerprint(port), pairs[1]!.fingerprint256);
      assert.deepEqual(failed, []);

      // The connection made before the swap goes on, on the old certificate.
      assert.equal(live.getPeerCertificate().fingerprint256, pairs[0]!.fingerprint256);
      const echoed = new Promise<string>((resolve) => live.once('data', (data: Buffer) => resolve(data.toString())));
      live.write('still here');
      assert.equal(await echoed, 'still here');
      live.destroy();
    } finally {
      server.close();
    }
  });

  it('keeps the old certificate while the pair is half written, reports it once, and takes the completed pair', async () => {
    const files = directoryWith(pairs[0]!);
    const { certificate, reloaded, failed } = await follow(files);
    // The new certificate lands first; its key a moment later.
    writeFileSync(files.certFile, pairs[1]!.cert);
    await waitFor('the mismatch reported', () => failed.length > 0 || undefined, 20_000, 20);
    assert.equal(failed[0]!.code, 'invalid-key');
    assert.match(failed[0]!.message, /key values mismatch/);
    assert.equal(certificate.certificate.fingerprint256, pairs[0]!.fingerprint256, 'the old one stays');
    // The same bad files seen again (another event, a poll) are not reported again.
    await certificate.reload();
    assert.equal(failed.length, 1);

    writeFileSync(files.keyFile, pairs[1]!.key);
    await waitFor('the reload', () => reloaded.length === 1 || undefined, 20_000, 20);
    assert.equal(certificate.certificate.fingerprint256, pairs[1]!.fingerprint256);
    assert.equal(failed.length, 1);
  });

  it('keeps the old certificate when the file is replaced by garbage', async () => {
    const files = directoryWith(pairs[0]!);
    const { certificate, reloaded, failed } = await follow(files);
    writeFileSync(files.certFile, 'not a certificate\n');
    await waitFor('the failure', () => failed.length > 0 || undefined, 20_000, 20);
    assert.equal(failed[0]!.code, 'invalid-certificate');
    assert.equal(certificate.certificate.fingerprint256, pairs[0]!.fingerprint256);
    assert.deepEqual(reloaded, []);
  });

  it('follows a Kubernetes Secret volume: files are symlinks through ..data, which is swapped atomically', async () => {
    const dir = join(root, `secret${dirs++}`);
    const version = (n: number, pair: TestCertificate) => {
      mkdirSync(join(dir, `..v${n}`));
      writeFileSync(join(dir, `..v${n}`, 'tls.crt'), pair.cert);
      writeFileSync(join(dir, `..v${n}`, 'tls.key'), pair.key);
    };
    mkdirSync(dir);
    version(1, pairs[0]!);
    symlinkSync('..v1', join(dir, '..data'));
    symlinkSync('..data/tls.crt', join(dir, 'tls.crt'));
    symlinkSync('..data/tls.key', join(dir, 'tls.key'));
    const { certificate, reloaded } = await follow({ certFile: join(dir, 'tls.crt'), keyFile: join(dir, 'tls.key') });
    assert.equal(certificate.certificate.fingerprint256, pairs[0]!.fingerprint256);

    // What the kubelet's atomic writer does: a new version directory, then ..data renamed onto it.
    version(2, pairs[2]!);
    symlinkSync('..v2', join(dir, '..data_tmp'));
    renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
    rmSync(join(dir, '..v1'), { recursive: true });
    await waitFor('the reload', () => reloaded.length === 1 || undefined, 20_000, 20);
    assert.equal(certificate.certificate.fingerprint256, pairs[2]!.fingerprint256);
  });

  it('notices a change by polling the files when there are no directory events', async () => {
    const files = directoryWith(pairs[0]!);
    const { certificate, reloaded } = await follow(files, { watch: false, pollMs: 100 });
    await installCertificate(staged(pairs[1]!, files.dir), files);
    await waitFor('the reload', () => reloaded.length === 1 || undefined, 20_000, 20);
    assert.equal(certificate.certificate.fingerprint256, pairs[1]!.fingerprint256);
  });

  it('reports nothing after close', async () => {
    const files = directoryWith(pairs[0]!);
    const { certificate, reloaded, failed } = await follow(files, { pollMs: 50 });
    certificate.close();
    await installCertificate(staged(pairs[1]!, files.dir), files);
    await certificate.reload();
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual([reloaded.length, failed.length], [0, 0]);
    assert.equal(certificate.certificate.fingerprint256, pairs[0]!.fingerprint256);
  });
});

function ignore() {
  return { reloaded: () => undefined, failed: () => undefined };
}
