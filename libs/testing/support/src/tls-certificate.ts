import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TestCertificate {
  certFile: string;
  keyFile: string;
  /** PEM text of both. */
  cert: string;
  key: string;
  /** `AB:CD:…`, as `tls` reports a peer's certificate (getPeerCertificate().fingerprint256). */
  fingerprint256: string;
  serialNumber: string;
}

/**
 * A fresh self-signed certificate and RSA-2048 key (new key, random serial, valid 1 day) made by the real
 * openssl, for `127.0.0.1` and `localhost`, written as `<name>.crt` / `<name>.key` in `dir`. Test only.
 */
export async function selfSignedCertificate(
  dir: string,
  options: {
    name?: string;
    commonName?: string;
    /** Subject alternative names instead of 127.0.0.1 + localhost, e.g. `['DNS:push.test']`. */
    altNames?: string[];
  } = {},
): Promise<TestCertificate> {
  const name = options.name ?? 'tls';
  const certFile = join(dir, `${name}.crt`);
  const keyFile = join(dir, `${name}.key`);
  await run(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      `/CN=${options.commonName ?? 'localhost'}`,
      '-addext',
      `subjectAltName=${(options.altNames ?? ['IP:127.0.0.1', 'DNS:localhost']).join(',')}`,
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ],
    { timeout: 30_000 },
  );
  const [cert, key] = await Promise.all([readFile(certFile, 'utf8'), readFile(keyFile, 'utf8')]);
  const parsed = new X509Certificate(cert);
  return { certFile, keyFile, cert, key, fingerprint256: parsed.fingerprint256, serialNumber: parsed.serialNumber };
}

/**
 * Moves `next`'s files over the pair at `at` (key first, then certificate), each by an atomic rename as
 * cert-manager and `mv` do, and returns `next` as it now lies there.
 */
export async function installCertificate(
  next: TestCertificate,
  at: { certFile: string; keyFile: string },
): Promise<TestCertificate> {
  await rename(next.keyFile, at.keyFile);
  await rename(next.certFile, at.certFile);
  return { ...next, certFile: at.certFile, keyFile: at.keyFile };
}
