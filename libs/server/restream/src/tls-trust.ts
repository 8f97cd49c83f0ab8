import { existsSync, readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';

/** Where Linux distributions keep the system's CA bundle (Debian/Ubuntu/Alpine, then RHEL/Fedora). */
const SYSTEM_BUNDLES = ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt'];

/**
 * The certificate authorities rtmps targets are verified against: Node's bundled Mozilla roots plus the
 * system's bundle when there is one (so an operator's own CA, installed the usual way, is trusted too).
 * Undefined when no system bundle exists: Node's defaults apply.
 */
export function restreamTrustedCas(paths: readonly string[] = SYSTEM_BUNDLES): string[] | undefined {
  const bundle = paths.find((path) => existsSync(path));
  if (!bundle) return undefined;
  return [...rootCertificates, readFileSync(bundle, 'utf8')];
}
