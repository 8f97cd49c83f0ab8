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
   * Readiness: every registered dependency check passes; otherwise 503 naming the failing checks (only
   * their names: error text stays in the log). Checked at most every 2 s, see ReadinessState.
   */
  @Get('readyz')
  async readiness(@Res({ passthrough: true }) reply: FastifyReply) {
    const { ready, checks } = await this.state.current();
    const info: Record<string, Status> = {};
    const error: Record<string, Status> = {};
    for (const [name, status] of Object.entries(checks)) (status === 'up' ? info : error)[name] = { status };
    void reply.code(ready ? 200 : 503).header('cache-control', 'no-store');
    return { status: ready ? 'ok' : 'error', info, error, details: { ...info, ...error } };
  }
}
