import type { HlsSettings } from '@rapidrtmp/server-config';
import type { MetricsRegistry } from '@rapidrtmp/server-metrics';
import { HeldRequests } from './held-requests.js';

/**
 * Applies the HeldRequests bound to requests that may be held (blocking playlist reloads, hinted parts),
 * on a node serving its own streams and on an edge alike, and counts what it does.
 *
 * Past the bound the request is answered at once: a blocking reload gets the playlist as it is now. hls.js
 * (1.7) takes that as a reload that has not advanced and asks again after half a target duration, so a
 * player behind a crowded NAT keeps playing (polling, a little more latency). A 429 would be worse: hls.js
 * never retries a 4xx playlist error, which ends playback; a 503 is retried only twice before it is fatal.
 */
export class HeldRequestGate {
  private readonly held: HeldRequests;
  private readonly gauge;
  private readonly overLimit;

  constructor(
    settings: Pick<HlsSettings, 'maxBlockingRequests' | 'maxBlockingRequestsPerIp'>,
    metrics: MetricsRegistry,
  ) {
    this.held = new HeldRequests(settings.maxBlockingRequests, settings.maxBlockingRequestsPerIp);
    this.gauge = metrics.gauge({
      name: 'hls_held_requests',
      help: 'LL-HLS blocking playlist reloads and hinted-part requests being held now',
    });
    const overLimit = metrics.counter({
      name: 'hls_held_requests_over_limit_total',
      help: 'LL-HLS requests answered at once instead of held: their client address (per_ip) or the node (total) was at its bound',
      labelNames: ['limit'],
    });
    this.overLimit = { per_ip: overLimit.labels('per_ip'), total: overLimit.labels('total') };
  }

  /**
   * Runs `held` (which may wait) under a permit for `address`, or `unheld` (which answers at once) when that
   * address or the node holds as many as allowed. `address` undefined (another node of the cluster, whose
   * requests are already bounded and coalesced by its own gate) is never limited.
   */
  async run<T>(address: string | undefined, held: () => Promise<T>, unheld: () => Promise<T>): Promise<T> {
    if (address === undefined) return held();
    const decision = this.held.tryHold(address);
    if ('refused' in decision) {
      this.overLimit[decision.refused].inc();
      return unheld();
    }
    this.gauge.inc();
    try {
      return await held();
    } finally {
      decision.permit.release();
      this.gauge.dec();
    }
  }
}
