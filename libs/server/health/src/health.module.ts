import { Global, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { CoreReadinessChecks } from './core-checks.js';
import { HealthController } from './health.controller.js';
import { ReadinessChecks } from './readiness-checks.js';
import { ReadinessState } from './readiness-state.js';

@Global()
@Module({
  imports: [TerminusModule.forRoot({ logger: false, errorLogStyle: 'json' })],
  controllers: [HealthController],
  providers: [ReadinessChecks, ReadinessState, CoreReadinessChecks],
  exports: [ReadinessChecks],
})
export class HealthModule {}
