import { Module } from '@nestjs/common';
import { HlsRoutes } from './hls-routes.js';
import { HlsService } from './hls.service.js';

@Module({
  providers: [HlsService, HlsRoutes],
  exports: [HlsService],
})
export class DeliveryModule {}
