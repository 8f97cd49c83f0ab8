import { Module } from '@nestjs/common';
import { HlsRoutes } from './hls-routes.js';
import { HlsService } from './hls.service.js';
import { PlaybackSigner } from './playback-signer.js';

@Module({
  providers: [HlsService, HlsRoutes, PlaybackSigner],
  exports: [HlsService, PlaybackSigner],
})
export class DeliveryModule {}
