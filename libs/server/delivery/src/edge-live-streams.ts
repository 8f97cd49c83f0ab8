import { randomBytes } from 'node:crypto';
import { type ClientRequest, get, type IncomingMessage } from 'node:http';
import { get as getTls } from 'node:https';
import { Inject, Injectable, type OnModuleDestroy, Optional } from '@nestjs/common';
import { FLV_TAG_TYPE, FlvDemuxer, type FlvDemuxEvent, FlvStreamReader, readMetadataTag } from '@rapidrtmp/flv';
import { MediaFormatError, TimestampExtender } from '@rapidrtmp/media-core';
import { type LeaseHolder, PEER_SECRET_HEADER, StreamOwnership } from '@rapidrtmp/server-cluster';
import { AppConfig } from '@rapidrtmp/server-config';
import type { StreamEnding } from '@rapidrtmp/server-domain';
import { ROOT_LOGGER, type Logger } from '@rapidrtmp/server-logging';
import { LiveStream } from '@rapidrtmp/server-streams';

/** The owner must answer and send the first keyframe within this, or players here are told to retry. */
const READY_TIMEOUT_MS = 8_000;
/** An upstream silent this long (the owner stalled or the link died) ends the relay; players may come back. */
const IDLE_TIMEOUT_MS = 15_000;
/** A relay whose last player left stays this long, so a player that reconnects at once starts at once. */
const LINGER_MS = 5_000;

const ENDED: StreamEnding = { reason: 'publisher_disconnect', graceful: true, stoppedBy: null };

export interface EdgeStream {
  stream: LiveStream;
  /** This player is done with the relay (the last one out closes it after a short linger). */
  release: () => void;
}

/**
 * RTMP and HTTP-FLV players of a stream another node ingests: one pull of the owner's HTTP-FLV per stream
 * and node (authenticated as a peer; the viewer's token is checked here), demuxed into a local LiveStream
 * hub that this node's players subscribe to exactly as to a local stream. Not in the registry: HLS,
 * recording and restream stay with the owner. The same shape as an SRS edge: players fan out here, the
 * owner sends each stream once per edge node.
 */
@Injectable()
export class EdgeLiveStreams implements OnModuleDestroy {
  private readonly relays = new Map<string, EdgeRelay>();
  private readonly log: Logger;

  constructor(
    private readonly config: AppConfig,
    @Inject(ROOT_LOGGER) logger: Logger,
    @Optional() private readonly ownership?: StreamOwnership,
  ) {
    this.log = logger.child({ module: 'edge-players' });
  }

  /** The node holding `playbackId` when it is another node that can be reached. */
  async holderElsewhere(playbackId: string): Promise<LeaseHolder | undefined> {
    try {
      const holder = await this.ownership?.holderOf(playbackId);
      return holder && holder.nodeId !== this.config.nodeId ? holder : undefined;
    } catch {
      return undefined; // directory outage: nothing to relay from
    }
  }

  /** The relay of `playbackId` from `holder`, started or shared, once it has media to start players on. */
  async acquire(playbackId: string, holder: LeaseHolder & { url: string }): Promise<EdgeStream | undefined> {
    let relay = this.relays.get(playbackId);
    if (!relay || relay.closed || relay.holderNodeId !== holder.nodeId) {
      relay?.close();
      relay = new EdgeRelay(playbackId, holder, this.config.cluster.secret, this.log, (done) => {
        if (this.relays.get(playbackId) === done) this.relays.delete(playbackId);
      });
      this.relays.set(playbackId, relay);
      relay.start();
    }
    relay.users++;
    const ready = await relay.ready;
    if (!ready) {
      relay.release();
      return undefined;
    }
    const acquired = relay;
    let released = false;
    return {
      stream: acquired.stream,
      release: () => {
        if (released) return;
        released = true;
        acquired.release();
      },
    };
  }

  /** Relays running now (one per stream with players here). */
  get size(): number {
    return this.relays.size;
  }

  onModuleDestroy(): void {
    for (const relay of this.relays.values()) relay.close();
    this.relays.clear();
  }
}

/** One upstream HTTP-FLV pull feeding one local hub. */
class EdgeRelay {
  readonly stream: LiveStream;
  readonly holderNodeId: string;
  users = 0;
  closed = false;
  /** Resolves true once configs and a first packet are in (players start on a keyframe), false if it ended first. */
  readonly ready: Promise<boolean>;
  private markReady!: (ready: boolean) => void;
  private request: ClientRequest | undefined;
  private readonly reader = new FlvStreamReader();
  private readonly demuxer = new FlvDemuxer();
  /** FLV times are 32-bit milliseconds: extended per track to the stream's 64-bit timeline, as at ingest. */
  private readonly clocks = { audio: new TimestampExtender(), video: new TimestampExtender() };
  private lingerTimer: NodeJS.Timeout | undefined;
  private readyTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly playbackId: string,
    private readonly holder: LeaseHolder & { url: string },
    private readonly secret: string | undefined,
    private readonly log: Logger,
    private readonly onClosed: (relay: EdgeRelay) => void,
  ) {
    this.holderNodeId = holder.nodeId;
    this.ready = new Promise((resolve) => (this.markReady = resolve));
    this.stream = new LiveStream(
      {
        id: `edge-${randomBytes(6).toString('hex')}`,
        streamKeyId: '',
        keyLabel: '',
        playbackId,
        ownerId: '',
        ownerName: '',
        remoteAddress: holder.nodeId,
        startedAt: new Date(),
        signedPlayback: holder.signedPlayback,
        recordingEnabled: false,
      },
      { close: () => this.close() },
    );
  }

  start(): void {
    const url = `${this.holder.url}/live/${this.playbackId}.flv`;
    const headers = this.secret ? { [PEER_SECRET_HEADER]: this.secret } : {};
    const request = (url.startsWith('https:') ? getTls : get)(url, { headers, agent: false }, (response) =>
      this.onResponse(response),
    );
    this.request = request;
    request.setTimeout(IDLE_TIMEOUT_MS, () => request.destroy(new Error('the owning node sent nothing')));
    request.on('error', (error) => this.fail(error.message));
    this.readyTimer = setTimeout(() => this.fail('no media from the owning node in time'), READY_TIMEOUT_MS);
  }

  release(): void {
    this.users--;
    if (this.users > 0 || this.closed) return;
    clearTimeout(this.lingerTimer);
    this.lingerTimer = setTimeout(() => {
      if (this.users === 0) this.close();
    }, LINGER_MS);
    this.lingerTimer.unref();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.lingerTimer);
    clearTimeout(this.readyTimer);
    this.request?.destroy();
    this.stream.end(ENDED);
    this.markReady(false);
    this.onClosed(this);
  }

  private onResponse(response: IncomingMessage): void {
    if (response.statusCode !== 200) {
      response.resume();
      return this.fail(`the owning node answered ${response.statusCode}`);
    }
    response.on('data', (chunk: Buffer) => this.onData(chunk));
    response.on('end', () => this.close());
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    let tags;
    try {
      tags = this.reader.push(chunk);
    } catch (error) {
      return this.fail(error instanceof Error ? error.message : String(error));
    }
    for (const tag of tags) {
      if (tag.type === FLV_TAG_TYPE.script) {
        const metadata = readMetadataTag(tag.body);
        if (metadata) this.stream.publish({ type: 'metadata', metadata });
        continue;
      }
      let event: FlvDemuxEvent | undefined;
      try {
        event =
          tag.type === FLV_TAG_TYPE.video
            ? this.demuxer.pushVideo(this.clocks.video.extend(tag.timestamp), tag.body)
            : tag.type === FLV_TAG_TYPE.audio
              ? this.demuxer.pushAudio(this.clocks.audio.extend(tag.timestamp), tag.body)
              : undefined;
      } catch (error) {
        if (!(error instanceof MediaFormatError)) throw error;
        continue; // the owner sent what it ingested: one bad tag is dropped, as at ingest
      }
      if (event?.type === 'packet') {
        this.stream.publish(event);
        if (this.readyTimer) {
          clearTimeout(this.readyTimer);
          this.readyTimer = undefined;
          this.markReady(true);
        }
      } else if (event?.type === 'config') {
        this.stream.publish(event);
      }
    }
  }

  private fail(reason: string): void {
    if (this.closed) return;
    this.log.info({ playbackId: this.playbackId, from: this.holder.nodeId, reason }, 'edge relay ended');
    this.close();
  }
}
