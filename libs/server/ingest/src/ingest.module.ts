import { Module } from '@nestjs/common';
import { StreamKeysModule } from '@rapidrtmp/server-stream-keys';
import { IngestService } from './ingest.service.js';
import { RtmpListener } from './rtmp-listener.js';

@Module({
  imports: [StreamKeysModule],
  providers: [IngestService, RtmpListener],
  exports: [IngestService],
})
export class IngestModule {}
