import { Module } from '@nestjs/common';
import { EdgeDelivery } from './edge-delivery.js';
import { HlsRoutes } from './hls-routes.js';
import { HlsService } from './hls.service.js';
import { PlaybackSigner } from './playback-signer.js';
import { PlaylistStatesRepository } from './playlist-states.repository.js';

@Module({
  providers: [HlsService, HlsRoutes, PlaybackSigner, EdgeDelivery, PlaylistStatesRepository],
  exports: [HlsService, PlaybackSigner],
})
export class DeliveryModule {}
