import { Global, Module } from '@nestjs/common';
import { DeliveryModule, SEGMENT_ARCHIVE } from '@rapidrtmp/server-delivery';
import { Recorder } from './recorder.service.js';
import { RecordingsController } from './recordings.controller.js';
import { RecordingsRepository } from './recordings.repository.js';
import { RecordingsService } from './recordings.service.js';
import { RetentionSweeper } from './retention-sweeper.js';
import { VodRoutes } from './vod-routes.js';

/** Global so the HLS packagers (DeliveryModule) find the SEGMENT_ARCHIVE the recorder provides. */
@Global()
@Module({
  imports: [DeliveryModule],
  controllers: [RecordingsController],
  providers: [
    RecordingsService,
    RecordingsRepository,
    Recorder,
    VodRoutes,
    RetentionSweeper,
    { provide: SEGMENT_ARCHIVE, useExisting: Recorder },
  ],
  exports: [SEGMENT_ARCHIVE, RecordingsRepository, RetentionSweeper],
})
export class RecordingsModule {}
