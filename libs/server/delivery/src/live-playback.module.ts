import { Global, Module } from '@nestjs/common';
import { LivePlayback } from '@rapidrtmp/server-stream-keys';
import { DeliveryModule } from './delivery.module.js';
import { HlsPlayback } from './hls-playback.js';

/**
 * Binds the LivePlayback the stream-keys and streams libs declare. Global because they sit below delivery
 * and cannot import it; DeliveryModule itself stays an ordinary module.
 */
@Global()
@Module({
  imports: [DeliveryModule],
  providers: [{ provide: LivePlayback, useClass: HlsPlayback }],
  exports: [LivePlayback],
})
export class LivePlaybackModule {}
