import { Module } from '@nestjs/common';
import { DeliveryModule } from '@rapidrtmp/server-delivery';
import { StreamKeysModule } from '@rapidrtmp/server-stream-keys';
import { IngestService } from './ingest.service.js';
import { RtmpListener } from './rtmp-listener.js';

@Module({
  // DeliveryModule: LivePlayers, which admits and runs RTMP players as it does HTTP-FLV ones.
  imports: [StreamKeysModule, DeliveryModule],
  providers: [IngestService, RtmpListener],
  exports: [IngestService],
})
export class IngestModule {}
