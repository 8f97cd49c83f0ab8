import { Module } from '@nestjs/common';
import { StreamKeyAuthorizer } from './stream-key-authorizer.js';
import { StreamKeysRepository } from './stream-keys.repository.js';
import { StreamKeysService } from './stream-keys.service.js';

@Module({
  providers: [StreamKeysRepository, StreamKeyAuthorizer, StreamKeysService],
  exports: [StreamKeyAuthorizer, StreamKeysService, StreamKeysRepository],
})
export class StreamKeysModule {}
