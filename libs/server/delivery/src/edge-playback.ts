import type { BlockingRequest, ByteChunks } from '@rapidrtmp/hls';
import type { EdgeDelivery } from './edge-delivery.js';
import { notFound, type PlaybackAnswer, type PlaybackSource } from './playback-source.js';

export interface EdgePlaybackOptions {
  /** The stream is no longer held by any node: an unreachable origin means it is gone (404). */
  ended?: boolean;
  /** Finds whoever holds the stream now, when the origin stopped answering (a lost node). */
  failover?: () => Promise<PlaybackSource | undefined>;
  /** How long a request may wait for the stream to come back on another node (then 503). */
  holdMs?: number;
}

/** How often a held request asks the directory whether another node took the stream over. */
const FAILOVER_POLL_MS = 500;

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
    private readonly options: EdgePlaybackOptions = {},
  ) {}

  get originNode(): string {
    return this.origin.nodeId;
  }

  get signedPlayback(): boolean {
    return this.origin.signedPlayback;
  }

  multivariant(): Promise<PlaybackAnswer<string>> {
    return this.settle(this.edge.playlist(this.origin, `/live/${this.playbackId}/index.m3u8`, 1000), (next) =>
      next.multivariant(),
    );
  }

  mediaPlaylist(request: BlockingRequest | undefined, delta = false): Promise<PlaybackAnswer<string>> {
    const path = `/live/${this.playbackId}/${this.instance}/media.m3u8`;
    const directives: string[] = [];
    if (request) directives.push(`_HLS_msn=${request.msn}`);
    if (request?.part !== undefined) directives.push(`_HLS_part=${request.part}`);
    if (delta) directives.push('_HLS_skip=YES');
    const query = directives.length > 0 ? `?${directives.join('&')}` : '';
    return this.settle(
      this.edge.playlist(this.origin, path + query, request ? this.edge.blockingReuseMs : 200),
      (next) => next.mediaPlaylist(request, delta),
    );
  }

  resource(name: string): Promise<PlaybackAnswer<ByteChunks>> {
    return this.settle(this.edge.object(this.origin, `/live/${this.playbackId}/${this.instance}/${name}`), (next) =>
      next.resource(name),
    );
  }

  resourceNow(name: string): ByteChunks | undefined {
    return this.edge.cachedObject(this.origin, `/live/${this.playbackId}/${this.instance}/${name}`);
  }

  /**
   * The origin did not answer (502). A stream no node holds any more is gone (404). A live one may be
   * moving: its node was lost and the lease has not run out yet, or the publisher is reconnecting to
   * another node. The request is held (bounded) and asked again of whoever holds the stream then, so
   * viewers see a pause, not an error; after the hold, 503 (players retry).
   */
  private async settle<T>(
    first: Promise<PlaybackAnswer<T>>,
    again: (next: PlaybackSource) => Promise<PlaybackAnswer<T>>,
  ): Promise<PlaybackAnswer<T>> {
    const answer = await first;
    if (answer.ok || answer.status !== 502) return answer;
    if (this.options.ended) return notFound;
    const { failover, holdMs = 0 } = this.options;
    if (!failover) return answer;
    const deadline = Date.now() + holdMs;
    while (Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, FAILOVER_POLL_MS));
      const next = await failover().catch(() => undefined);
      if (!next || (next instanceof EdgePlayback && next.originNode === this.origin.nodeId)) continue;
      const answered = await again(next);
      if (answered.ok || answered.status !== 502) return answered;
    }
    return { ok: false, status: 503, detail: 'the node serving this stream is not answering; try again' };
  }

  touchViewer(client: string): void {
    this.edge.touchViewer(this.playbackId, client);
  }
}
