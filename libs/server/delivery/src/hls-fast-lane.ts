import { type ByteChunks, parseBlockingRequest, parseResourceName, parseSkipRequest } from '@rapidrtmp/hls';
import { releaseAllMedia, retainAllMedia } from '@rapidrtmp/media-core';
import { PEER_SECRET_HEADER } from '@rapidrtmp/server-cluster';
import { CORS_HEADERS, type FastAnswer, type LaneRequest } from '@rapidrtmp/server-http';
import { chunksLength } from './byte-chunks.js';
import type { DeliveryMetrics, HlsRequestKind } from './delivery-metrics.js';
import type { HeldRequestGate } from './held-request-gate.js';
import type { PlaybackSigner } from './playback-signer.js';
import type { PlaybackSource } from './playback-source.js';
import type { TokenizedPlaylists } from './tokenized-playlists.js';
import { viewerKey } from './viewer-tracker.js';

/** The route patterns of HlsRoutes these answers stand for (requests are counted under them). */
export const MULTIVARIANT_ROUTE = '/live/:playbackId/index.m3u8';
export const MEDIA_PLAYLIST_ROUTE = '/live/:playbackId/:instance/media.m3u8';
export const RESOURCE_ROUTE = '/live/:playbackId/:instance/:resource';

export const PLAYBACK_ID = /^[a-z0-9]{1,32}$/;
export const INSTANCE_ID = /^[a-f0-9]{1,16}$/;
/** Query values the lane reads as they are; anything else (escapes, `+`, repeats) is left to Fastify's parser. */
const PLAIN_QUERY = /^(?:[A-Za-z0-9_.~-]+=[A-Za-z0-9_.~-]*)(?:&[A-Za-z0-9_.~-]+=[A-Za-z0-9_.~-]*)*$/;

/** Encoded playlists kept (a few per stream are current at a time; older ones go at the next clear). */
const ENCODED_PLAYLISTS = 256;

type Query = { _HLS_msn?: string; _HLS_part?: string; _HLS_skip?: string; token?: string };

/** What the lane needs of the node: the sources it knows at once, the token check, the client address. */
export interface HlsFastLaneContext {
  /** The source of a playback id (its current stream) or instance when known at once (HlsService.sourceNow). */
  source(playbackId: string, instance?: string): PlaybackSource | undefined;
  signer: PlaybackSigner;
  /** Signed playlists with the viewer's token (shared with HlsRoutes). */
  tokenized: TokenizedPlaylists;
  metrics: DeliveryMetrics;
  /** The bound on held requests, shared with HlsRoutes. */
  holds: HeldRequestGate;
  /** As Fastify's `request.ip` (TRUST_PROXY). */
  clientAddress(request: LaneRequest): string;
}

/** A playlist's headers (HlsRoutes sends the same): revalidated on every reload. */
export const PLAYLIST_HEADERS: readonly string[] = [
  ...CORS_HEADERS,
  'content-type',
  'application/vnd.apple.mpegurl',
  'cache-control',
  'no-cache',
];

/** A problem answer's headers (HlsRoutes sends the same): never cached, plain text. */
export const PROBLEM_HEADERS: readonly string[] = [
  ...CORS_HEADERS,
  'cache-control',
  'no-store',
  'content-type',
  'text/plain; charset=utf-8',
];

/**
 * HlsRoutes' answers for a viewer of a live stream, given before Fastify sees the request (FastLanes), from
 * the stream's source when it is known at once (HlsService.sourceNow): this node's live stream (playlists,
 * a blocking reload held until the window satisfies it, objects from memory at once, a preload-hinted part
 * held until it exists, older objects read back from storage) or the node holding it (this node an edge:
 * cached objects at once, the rest as the origin answers, its errors included). The same bytes, headers and
 * bounds on held requests as the routes, which answer everything else: a stream's first seconds, errors
 * found before holding, ranges, conditional requests, other nodes' requests, ended streams, and queries this
 * lane does not read as plain text.
 */
export class HlsFastLane {
  /**
   * Each playlist text encoded once: a local rendering is kept until the window changes, and an origin's
   * answer is one text for every viewer it was shared with. Keyed by the text (its hash is computed once per
   * string); the newest few are kept.
   */
  private readonly encoded = new Map<string, Buffer>();
  private readonly counted;

  constructor(private readonly context: HlsFastLaneContext) {
    const { requests } = context.metrics;
    this.counted = {
      multivariant: requests.labels('multivariant', '200'),
      playlist: requests.labels('playlist', '200'),
      init: requests.labels('init', '200'),
      segment: requests.labels('segment', '200'),
      part: requests.labels('part', '200'),
    };
  }

  answer(request: LaneRequest): FastAnswer | Promise<FastAnswer> | undefined {
    if (request.headers[PEER_SECRET_HEADER] !== undefined) return undefined;
    const url = request.url ?? '';
    const mark = url.indexOf('?');
    const path = mark < 0 ? url : url.slice(0, mark);
    const names = path.split('/'); // '', 'live', playbackId, instance, resource; or '', 'live', playbackId, 'index.m3u8'
    if (names.length !== 5 && (names.length !== 4 || names[3] !== 'index.m3u8')) return undefined;
    const [, , playbackId = '', instance = '', resource = ''] = names;
    const multivariant = names.length === 4;
    if (!PLAYBACK_ID.test(playbackId) || (!multivariant && !INSTANCE_ID.test(instance))) return undefined;
    const source = this.context.source(playbackId, multivariant ? undefined : instance);
    if (!source) return undefined;
    const query = mark < 0 ? {} : plainQuery(url.slice(mark + 1));
    if (!query) return undefined;
    const token = query.token;
    if (source.signedPlayback && !this.context.signer.verify(playbackId, token)) return undefined;
    const client = this.context.clientAddress(request);
    const viewer = { request, client, source, instance, resource, token: source.signedPlayback ? token : undefined };
    const answer = multivariant
      ? this.multivariant(viewer)
      : resource === 'media.m3u8'
        ? this.mediaPlaylist(viewer, query)
        : this.media(viewer);
    const agent = request.headers['user-agent'];
    if (answer) source.touchViewer(viewerKey(client, typeof agent === 'string' ? agent : undefined));
    return answer;
  }

  private multivariant(viewer: Viewer): FastAnswer | Promise<FastAnswer> {
    const text = viewer.source.multivariantNow?.();
    if (text !== undefined) return this.playlist(viewer, 'multivariant', text);
    return viewer.source
      .multivariant()
      .then((answer) =>
        answer.ok
          ? this.playlist(viewer, 'multivariant', answer.body)
          : this.problem('multivariant', MULTIVARIANT_ROUTE, answer.status, answer.detail),
      );
  }

  private mediaPlaylist(viewer: Viewer, query: Query): FastAnswer | Promise<FastAnswer> | undefined {
    const directive = parseBlockingRequest(query._HLS_msn, query._HLS_part);
    const skip = parseSkipRequest(query._HLS_skip);
    if (!directive.ok || !skip.ok) return undefined;
    const { source } = viewer;
    const now = source.mediaPlaylistNow?.(directive.request, skip.skip);
    if (now) return now.ok ? this.playlist(viewer, 'playlist', now.body) : undefined;
    // A blocking reload ahead of the window, or the origin's answer: held (bounded per client address) as
    // the route holds it.
    const later = directive.request
      ? this.context.holds.run(
          viewer.client,
          () => source.mediaPlaylist(directive.request, skip.skip),
          () => source.mediaPlaylist(undefined, skip.skip), // past the bound: the playlist as it is now
        )
      : source.mediaPlaylist(undefined, skip.skip);
    return later.then((answer) =>
      answer.ok
        ? this.playlist(viewer, 'playlist', answer.body)
        : this.problem('playlist', MEDIA_PLAYLIST_ROUTE, answer.status, answer.detail),
    );
  }

  private playlist({ token }: Viewer, kind: 'multivariant' | 'playlist', text: string): FastAnswer {
    const bytes = token === undefined ? this.encodedOnce(text) : this.context.tokenized.bytes(kind, text, token);
    this.counted[kind].inc();
    this.context.metrics.bytesOut.inc(bytes.length);
    return {
      route: kind === 'multivariant' ? MULTIVARIANT_ROUTE : MEDIA_PLAYLIST_ROUTE,
      status: 200,
      headers: PLAYLIST_HEADERS,
      body: bytes,
      length: bytes.length,
    };
  }

  private media(viewer: Viewer): FastAnswer | Promise<FastAnswer> | undefined {
    const { request, client, source, resource } = viewer;
    const name = parseResourceName(resource);
    if (!name || request.headers.range !== undefined || request.headers['if-none-match'] !== undefined)
      return undefined;
    const chunks = source.resourceNow?.(resource);
    if (chunks) return this.mediaAnswer(viewer, name.kind, chunks);
    // Later: a part the preload hint names before it exists (RFC 8216bis 6.2.6), held; what is read back
    // from storage; what the origin sends an edge. Parts under the route's bound on held requests.
    const later =
      name.kind === 'part'
        ? this.context.holds.run(
            client,
            () => source.resource(resource),
            () => source.resource(resource, { hold: false }),
          )
        : source.resource(resource);
    return later.then((answer) =>
      answer.ok
        ? this.mediaAnswer(viewer, name.kind, answer.body)
        : this.problem(name.kind, RESOURCE_ROUTE, answer.status, answer.detail),
    );
  }

  private mediaAnswer({ source, instance, resource }: Viewer, kind: MediaKind, chunks: ByteChunks): FastAnswer {
    const length = chunksLength(chunks);
    this.counted[kind].inc();
    this.context.metrics.bytesOut.inc(length);
    retainAllMedia(chunks);
    return {
      route: RESOURCE_ROUTE,
      status: 200,
      headers: mediaHeaders(kind === 'init', source.signedPlayback, `"${instance}-${resource}"`),
      body: chunks,
      length,
      done: () => releaseAllMedia(chunks),
    };
  }

  private encodedOnce(text: string): Buffer {
    let bytes = this.encoded.get(text);
    if (bytes) return bytes;
    if (this.encoded.size >= ENCODED_PLAYLISTS) this.encoded.clear();
    bytes = Buffer.from(text);
    this.encoded.set(text, bytes);
    return bytes;
  }

  private problem(kind: HlsRequestKind, route: string, status: number, detail: string): FastAnswer {
    this.context.metrics.requests.labels(kind, String(status)).inc();
    const body = `${detail}\n`;
    return { route, status, headers: PROBLEM_HEADERS, body, length: Buffer.byteLength(body) };
  }
}

type MediaKind = 'init' | 'segment' | 'part';
/** One request the lane took: its source, which resource, and the token its URIs carry (signed playback). */
interface Viewer {
  request: LaneRequest;
  /** Its address as Fastify's `request.ip` gives it: the viewer's key and its bound on held requests. */
  client: string;
  source: PlaybackSource;
  instance: string;
  resource: string;
  token: string | undefined;
}

/**
 * The headers of a segment, part or init segment: immutable (a name is never reused: the instance id is in
 * the URL). Signed playback: browsers may keep it, shared caches (a CDN) may not, or signing would be
 * bypassed there.
 */
export function mediaHeaders(init: boolean, signed: boolean, etag: string): string[] {
  return [
    ...CORS_HEADERS,
    'content-type',
    init ? 'video/mp4' : 'video/iso.segment',
    'cache-control',
    `${signed ? 'private' : 'public'}, max-age=86400, immutable`,
    'etag',
    etag,
    'accept-ranges',
    'bytes',
  ];
}

/** The query as plain `key=value` pairs (each key once), or undefined when Fastify should parse it. */
function plainQuery(search: string): Query | undefined {
  if (search === '') return {};
  if (!PLAIN_QUERY.test(search)) return undefined;
  const query: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const pair of search.split('&')) {
    const at = pair.indexOf('=');
    const key = pair.slice(0, at);
    if (key in query) return undefined;
    query[key] = pair.slice(at + 1);
  }
  return query;
}
