import { Injectable, Optional } from '@nestjs/common';
import { type PeerAnswer, PeerClient, StreamOwnership } from '@rapidrtmp/server-cluster';
import { AppConfig } from '@rapidrtmp/server-config';
import { Coalescer, PlaybackSigner } from '@rapidrtmp/server-delivery';
import { LIVE_MAX_AGE_SECONDS, type ThumbnailAnswer, type ThumbnailAsk, tokenRequired } from './thumbnail-answer.js';
import { parseWidth } from './thumbnail-query.js';
import { pictureEtag } from './thumbnail-renderer.js';

const notLive: ThumbnailAnswer = { ok: false, status: 404, detail: 'not live' };
/** A picture fetched from a node is reused this long for everyone asking this node (a second of a GOP). */
const REUSE_MS = 1000;

/**
 * Thumbnails of streams another node holds: fetched from that node (it decodes; it has the keyframe),
 * one request per picture however many ask here at once, reused for a second. The viewer's token is
 * checked here, as for HLS; the owner answers this node without one.
 */
@Injectable()
export class EdgeThumbnails {
  private readonly client: PeerClient;
  /** The owner's answer, with its ETag computed once for everyone sharing the fetch. */
  private readonly requests = new Coalescer<PeerAnswer & { etag: string }>();
  private readonly timeoutMs: number;

  constructor(
    private readonly config: AppConfig,
    private readonly signer: PlaybackSigner,
    @Optional() private readonly ownership?: StreamOwnership,
  ) {
    this.client = new PeerClient(config.cluster.secret);
    // The owner may queue the decode for up to a timeout, then run it for up to another.
    this.timeoutMs = config.thumbnails.decodeTimeoutMs * 2 + 1000;
  }

  async find(playbackId: string, ask: ThumbnailAsk): Promise<ThumbnailAnswer> {
    const holder = await this.ownership?.holderOf(playbackId).catch(() => undefined);
    if (!holder?.url || holder.nodeId === this.config.nodeId) return notLive;
    if (holder.signedPlayback && !this.signer.verify(playbackId, ask.token)) return tokenRequired;
    const width = parseWidth(ask.width);
    if (!width.ok) return { ok: false, status: 400, detail: width.reason };
    const query = width.value === undefined ? '' : `?width=${width.value}`;
    const path = `/live/${playbackId}/thumbnail.${ask.format === 'jpeg' ? 'jpg' : 'webp'}${query}`;
    const url = holder.url + path;
    let answer: PeerAnswer & { etag: string };
    const fetchPicture = async () => {
      const fetched = await this.client.get(url, this.timeoutMs);
      return { ...fetched, etag: fetched.status === 200 ? pictureEtag(fetched.body) : '' };
    };
    try {
      answer = await this.requests.run(`${holder.nodeId}${path}`, fetchPicture, REUSE_MS).value;
    } catch {
      return { ok: false, status: 503, detail: 'the node serving this stream did not answer; try again' };
    }
    if (answer.status !== 200) {
      const detail = answer.body.toString('utf8', 0, 200).trim() || `the serving node answered ${answer.status}`;
      return { ok: false, status: answer.status, detail };
    }
    const image = answer.body;
    return {
      ok: true,
      etag: answer.etag,
      signed: holder.signedPlayback,
      maxAgeSeconds: LIVE_MAX_AGE_SECONDS,
      image: () => Promise.resolve(image),
    };
  }
}
