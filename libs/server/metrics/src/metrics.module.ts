import { type DynamicModule, Global, Module } from '@nestjs/common';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { METRICS_ACCESS, type MetricsAccess } from './metrics-access.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsListener } from './metrics-listener.js';
import { MetricsRegistry } from './metrics-registry.js';
import { EVENT_LOOP_SAMPLE_MS, OverloadMonitor } from './overload-monitor.js';

/**
 * `GET /metrics` in Prometheus text format: Node's default process metrics under their standard names,
 * and the project's own under the `rapidrtmp_` prefix (see MetricsRegistry). Imported bare, /metrics is
 * open on the HTTP port; `forRoot` adds a token and/or a port of its own (METRICS_TOKEN, METRICS_PORT).
 */
@Global()
@Module({
  imports: [
    PrometheusModule.register({
      path: '/metrics',
      controller: MetricsController,
      defaultMetrics: { enabled: true, config: { eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS } },
    }),
  ],
  providers: [MetricsRegistry, OverloadMonitor, MetricsListener, { provide: METRICS_ACCESS, useValue: {} }],
  // Global, so the controller PrometheusModule hosts sees the access settings.
  exports: [MetricsRegistry, METRICS_ACCESS],
})
export class MetricsModule {
  static forRoot(access: MetricsAccess): DynamicModule {
    return {
      module: MetricsModule,
      providers: [{ provide: METRICS_ACCESS, useValue: access }],
      exports: [METRICS_ACCESS],
    };
  }
}
