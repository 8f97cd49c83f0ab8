import { Global, Module } from '@nestjs/common';
import { LiveStreamRegistry } from './live-stream-registry.js';
import { StreamSessionsRepository } from './stream-sessions.repository.js';

@Global()
@Module({
  providers: [LiveStreamRegistry, StreamSessionsRepository],
  exports: [LiveStreamRegistry, StreamSessionsRepository],
})
export class StreamsModule {}
