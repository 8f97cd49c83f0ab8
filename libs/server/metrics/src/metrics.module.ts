import { Global, Module } from '@nestjs/common';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { MetricsController } from './metrics.controller.js';
import { MetricsRegistry } from './metrics-registry.js';
import { OverloadMonitor } from './overload-monitor.js';

/**
 * `GET /metrics` in Prometheus text format: Node's default process metrics under their standard names,
 * and the project's own under the `rapidrtmp_` prefix (see MetricsRegistry).
 */
@Global()
@Module({
  imports: [
    PrometheusModule.register({ path: '/metrics', controller: MetricsController, defaultMetrics: { enabled: true } }),
  ],
  providers: [MetricsRegistry, OverloadMonitor],
  exports: [MetricsRegistry],
})
export class MetricsModule {}
