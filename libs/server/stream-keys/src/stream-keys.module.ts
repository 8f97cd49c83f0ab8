import { Module } from '@nestjs/common';
import { UsersModule } from '@rapidrtmp/server-users';
import { StreamKeyAuthorizer } from './stream-key-authorizer.js';
import { StreamKeysController } from './stream-keys.controller.js';
import { StreamKeysRepository } from './stream-keys.repository.js';
import { StreamKeysService } from './stream-keys.service.js';

/**
 * Stream keys, their API and the publish authorizer. LiveKeys and LivePlayback come from the libs that build
 * on this one (streams, delivery), bound in their global modules.
 */
@Module({
  imports: [UsersModule],
  controllers: [StreamKeysController],
  providers: [StreamKeysRepository, StreamKeyAuthorizer, StreamKeysService],
  exports: [StreamKeyAuthorizer, StreamKeysService, StreamKeysRepository],
})
export class StreamKeysModule {}
