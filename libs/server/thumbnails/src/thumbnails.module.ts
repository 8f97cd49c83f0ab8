import { Module } from '@nestjs/common';
import { DeliveryModule } from '@rapidrtmp/server-delivery';
import { RecordingsModule } from '@rapidrtmp/server-recordings';
import { EdgeThumbnails } from './edge-thumbnails.js';
import { LiveThumbnails } from './live-thumbnails.js';
import { RecordingThumbnails } from './recording-thumbnails.js';
import { ThumbnailRenderer } from './thumbnail-renderer.js';
import { ThumbnailRoutes } from './thumbnail-routes.js';

/** Thumbnail routes for live streams and recordings (PlaybackSigner from delivery, the segment log from recordings). */
@Module({
  imports: [DeliveryModule, RecordingsModule],
  providers: [ThumbnailRenderer, LiveThumbnails, EdgeThumbnails, RecordingThumbnails, ThumbnailRoutes],
})
export class ThumbnailsModule {}
