import { Module } from '@nestjs/common';
import { EdgeDelivery } from './edge-delivery.js';
import { EdgeLiveStreams } from './edge-live-streams.js';
import { FlvRoutes } from './flv-routes.js';
import { HlsRoutes } from './hls-routes.js';
import { HlsService } from './hls.service.js';
import { LivePlayers } from './live-players.js';
import { PlaybackSigner } from './playback-signer.js';
import { PlaylistStatesRepository } from './playlist-states.repository.js';

@Module({
  providers: [
    HlsService,
    HlsRoutes,
    PlaybackSigner,
    EdgeDelivery,
    PlaylistStatesRepository,
    LivePlayers,
    FlvRoutes,
    EdgeLiveStreams,
  ],
  exports: [HlsService, PlaybackSigner, LivePlayers],
})
export class DeliveryModule {}
