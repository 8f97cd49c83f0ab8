import { Controller, Get, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import type { FastifyReply } from 'fastify';
import { ReadinessState } from './readiness-state.js';

type Status = { status: 'up' | 'down' };

@ApiExcludeController()
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly state: ReadinessState,
  ) {}

  /** Liveness: the process answers. Never depends on the database, so a DB outage does not restart pods. */
  @Get('healthz')
  @HealthCheck()
  liveness() {
    return this.health.check([]);
  }

  /**
   * Readiness, naming the failing checks (only their names: error text stays in the log): 503 `error` when
   * a critical one fails (draining, the RTMP listener); 200 `degraded` when only a shared dependency does
   * (database, storage, data dir, cluster heartbeat): live streams keep playing from memory, and failing
   * every pod at once would take them off the Service. Checked at most every 2 s, see ReadinessState.
   */
  @Get('readyz')
  async readiness(@Res({ passthrough: true }) reply: FastifyReply) {
    const { ready, degraded, checks } = await this.state.current();
    const info: Record<string, Status> = {};
    const error: Record<string, Status> = {};
    for (const [name, status] of Object.entries(checks)) (status === 'up' ? info : error)[name] = { status };
    void reply.code(ready ? 200 : 503).header('cache-control', 'no-store');
    const status = !ready ? 'error' : degraded ? 'degraded' : 'ok';
    return { status, info, error, details: { ...info, ...error } };
  }
}
