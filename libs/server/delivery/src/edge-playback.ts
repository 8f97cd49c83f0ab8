import type { BlockingRequest } from '@rapidrtmp/hls';
import type { EdgeDelivery } from './edge-delivery.js';
import { notFound, type PlaybackAnswer, type PlaybackSource } from './playback-source.js';

/** The node that owns a stream, as an edge reaches it. */
export interface Origin {
  nodeId: string;
  url: string;
  signedPlayback: boolean;
}

/**
 * A stream owned by another node, served by pulling from it (origin -> edge): playlists and blocking
 * reloads are passed through (one upstream request per distinct request in flight), immutable objects
 * are cached. The origin answers without viewer tokens; the routes add this viewer's.
 */
export class EdgePlayback implements PlaybackSource {
  constructor(
    private readonly edge: EdgeDelivery,
    private readonly origin: Origin,
    private readonly playbackId: string,
    private readonly instance: string | undefined,
    /** The stream is no longer held by any node: an unreachable origin means it is gone (404). */
    private readonly ended: boolean,
  ) {}

  get signedPlayback(): boolean {
    return this.origin.signedPlayback;
  }

  multivariant(): Promise<PlaybackAnswer<string>> {
    return this.settle(this.edge.playlist(this.origin, `/live/${this.playbackId}/index.m3u8`, 1000));
  }

  mediaPlaylist(request: BlockingRequest | undefined): Promise<PlaybackAnswer<string>> {
    const path = `/live/${this.playbackId}/${this.instance}/media.m3u8`;
    if (!request) return this.settle(this.edge.playlist(this.origin, path, 200));
    const query =
      request.part === undefined ? `?_HLS_msn=${request.msn}` : `?_HLS_msn=${request.msn}&_HLS_part=${request.part}`;
    return this.settle(this.edge.playlist(this.origin, path + query, 0));
  }

  resource(name: string): Promise<PlaybackAnswer<Buffer>> {
    return this.settle(this.edge.object(this.origin, `/live/${this.playbackId}/${this.instance}/${name}`));
  }

  /** A stream no node holds any more whose origin is unreachable is simply gone. */
  private async settle<T>(answer: Promise<PlaybackAnswer<T>>): Promise<PlaybackAnswer<T>> {
    const settled = await answer;
    return this.ended && !settled.ok && settled.status === 502 ? notFound : settled;
  }

  touchViewer(client: string): void {
    this.edge.touchViewer(this.playbackId, client);
  }
}
