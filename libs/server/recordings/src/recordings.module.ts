import { Module } from '@nestjs/common';
import { DeliveryModule } from '@rapidrtmp/server-delivery';
import { Recorder } from './recorder.service.js';
import { RecordingsController } from './recordings.controller.js';
import { RecordingsRepository } from './recordings.repository.js';
import { RecordingsService } from './recordings.service.js';
import { RetentionSweeper } from './retention-sweeper.js';
import { VodRoutes } from './vod-routes.js';

/** Recordings consume delivery's packaged segments (the Recorder registers as its SegmentArchive). */
@Module({
  imports: [DeliveryModule],
  controllers: [RecordingsController],
  providers: [RecordingsService, RecordingsRepository, Recorder, VodRoutes, RetentionSweeper],
  exports: [RecordingsRepository, RetentionSweeper],
})
export class RecordingsModule {}
