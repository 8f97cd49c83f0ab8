import { Global, Module } from '@nestjs/common';
import { LiveKeys, StreamKeysModule } from '@rapidrtmp/server-stream-keys';
import { UserStreams } from '@rapidrtmp/server-users';
import { ClusterStreams } from './cluster-streams.js';
import { LiveKeysAdapter } from './live-keys.adapter.js';
import { LiveStreamRegistry } from './live-stream-registry.js';
import { LostSessions } from './lost-sessions.js';
import { PeerStreamsController } from './peer-streams.controller.js';
import { SessionsController } from './sessions.controller.js';
import { SessionsService } from './sessions.service.js';
import { StreamControl } from './stream-control.service.js';
import { StreamSessionsRepository } from './stream-sessions.repository.js';
import { StreamsController } from './streams.controller.js';
import { StreamsService } from './streams.service.js';

/**
 * The live stream registry and history, their API, and StreamControl, which the stream-keys and users libs
 * reach through the LiveKeys and UserStreams they declare (global, as they cannot import this lib).
 */
@Global()
@Module({
  imports: [StreamKeysModule],
  controllers: [StreamsController, SessionsController, PeerStreamsController],
  providers: [
    LiveStreamRegistry,
    StreamSessionsRepository,
    StreamControl,
    LostSessions,
    ClusterStreams,
    StreamsService,
    SessionsService,
    { provide: LiveKeys, useClass: LiveKeysAdapter },
    { provide: UserStreams, useFactory: (control: StreamControl): UserStreams => control, inject: [StreamControl] },
  ],
  exports: [
    LiveStreamRegistry,
    StreamSessionsRepository,
    StreamControl,
    LostSessions,
    ClusterStreams,
    LiveKeys,
    UserStreams,
  ],
})
export class StreamsModule {}
