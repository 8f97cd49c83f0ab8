import { Module } from '@nestjs/common';
import { DeliveryModule } from '@rapidrtmp/server-delivery';
import { StreamKeysModule } from '@rapidrtmp/server-stream-keys';
import { UsersModule } from '@rapidrtmp/server-users';
import { ApiTokensController } from './api-tokens/api-tokens.controller.js';
import { AuthController } from './auth/auth.controller.js';
import { SessionsController } from './sessions/sessions.controller.js';
import { SessionsQuery } from './sessions/sessions.query.js';
import { StreamKeysController } from './stream-keys/stream-keys.controller.js';
import { StreamControl } from './streams/stream-control.service.js';
import { StreamsController } from './streams/streams.controller.js';
import { UsersController } from './users/users.controller.js';

/** The REST API under /api/v1: thin controllers over the feature libraries. */
@Module({
  imports: [UsersModule, StreamKeysModule, DeliveryModule],
  controllers: [
    AuthController,
    UsersController,
    StreamKeysController,
    StreamsController,
    SessionsController,
    ApiTokensController,
  ],
  providers: [StreamControl, SessionsQuery],
  exports: [StreamControl],
})
export class ApiModule {}
