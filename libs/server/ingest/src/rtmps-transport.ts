import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import type { RtmpsSettings } from '@rapidrtmp/server-config';
import type { Logger } from '@rapidrtmp/server-logging';
import type { MetricsRegistry } from '@rapidrtmp/server-metrics';
import type { IngestMetrics } from './ingest-metrics.js';
import { CertificateError, type LoadedCertificate, ReloadingCertificate } from './tls-certificates.js';

/**
 * RTMPS: every TCP socket the listener admitted is wrapped in a server-side TLS socket with the current
 * certificate, and the RtmpConnection reads the decrypted bytes as it reads plain TCP. Wrapping after
 * admission keeps the connection caps and shedding exactly those of RTMP, and the connection's set-up
 * timer (RTMP_HANDSHAKE_TIMEOUT_MS) starts at TCP accept, so it bounds the TLS handshake as well.
 */
export class RtmpsTransport {
  private constructor(
    private readonly certificate: ReloadingCertificate,
    private readonly metrics: IngestMetrics,
    private readonly log: Logger,
  ) {}

  /** Loads the certificate (a CertificateError stops the start) and follows its files. */
  static async open(
    settings: RtmpsSettings,
    registry: MetricsRegistry,
    metrics: IngestMetrics,
    log: Logger,
  ): Promise<RtmpsTransport> {
    const reloads = registry.counter({
      name: 'rtmps_certificate_reloads_total',
      help: 'RTMPS certificate files that changed and were read again, by result (error: the previous one is kept)',
      labelNames: ['result'],
    });
    const expiry = registry.gauge({
      name: 'rtmps_certificate_expiry_timestamp_seconds',
      help: 'notAfter of the certificate new RTMPS connections get, in seconds since the epoch',
    });
    const describe = (c: LoadedCertificate) => ({
      subject: c.subject,
      notAfter: c.notAfter.toISOString(),
      fingerprint256: c.fingerprint256,
    });
    const certificate = await ReloadingCertificate.open(settings, {
      reloaded: (loaded) => {
        reloads.inc({ result: 'success' });
        expiry.set(loaded.notAfter.getTime() / 1000);
        log.info(describe(loaded), 'RTMPS certificate reloaded: new connections get it, live ones keep theirs');
      },
      failed: (error) => {
        reloads.inc({ result: 'error' });
        log.error(
          { code: error.code, detail: error.message },
          'RTMPS certificate not reloaded: keeping the previous one',
        );
      },
    }).catch((error: unknown) => {
      // At start: stop it, naming the settings to fix.
      if (error instanceof CertificateError) {
        throw new CertificateError(error.code, `RTMPS_CERT_FILE / RTMPS_KEY_FILE: ${error.message}`, error.digest);
      }
      throw error;
    });
    expiry.set(certificate.certificate.notAfter.getTime() / 1000);
    log.info(describe(certificate.certificate), 'RTMPS certificate loaded');
    return new RtmpsTransport(certificate, metrics, log);
  }

  /** The TLS socket over an admitted TCP socket; the certificate is the one current now. */
  wrap(socket: Socket): TLSSocket {
    const secure = new TLSSocket(socket, { isServer: true, secureContext: this.certificate.context });
    let established = false;
    secure.once('secure', () => (established = true));
    secure.once('error', (error) => {
      if (established) return;
      // Scanners and clients speaking plain RTMP to this port: a counter, not a log line each.
      this.metrics.rejected.inc({ reason: 'tls_error' });
      this.log.debug({ peer: socket.remoteAddress, err: error }, 'RTMPS handshake failed');
    });
    return secure;
  }

  /** Stops following the certificate files. */
  close(): void {
    this.certificate.close();
  }
}
