import { audioConfigBody, metadataEntries, packetTagBody, videoConfigBody } from '@rapidrtmp/flv';
import type { AudioConfig, MediaPacket, VideoConfig } from '@rapidrtmp/media-core';
import type { RtmpClientSession } from '@rapidrtmp/rtmp';
import type { LiveStream, StreamEvent, StreamSubscriber } from '@rapidrtmp/server-streams';

/**
 * A live stream's events as an RTMP publisher sends them: `onMetaData`, the sequence headers, then the
 * coded frames as FLV tag bodies (payloads stay views of the ingest buffers). Timestamps start near 0 on
 * each connection (the first packet delivered, a keyframe, is 0) with audio and video on one timeline, so a
 * target sees a fresh publish however long the source has been live. Never throws into the stream: a send
 * that fails goes to `onError` and the connection is torn down by its owner.
 */
export class MediaForwarder implements StreamSubscriber {
  readonly name = 'restream';
  /** The first packet's (a keyframe's) time: the target's 0. */
  private base: number | undefined;
  private latest = 0;
  private sentMetadata: Record<string, unknown> | undefined;

  constructor(
    private readonly session: RtmpClientSession,
    private readonly stream: LiveStream,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Before subscribing: the metadata first, as encoders publish (the subscription's copy is then skipped). */
  start(): void {
    const { metadata, tracks } = this.stream;
    if (Object.keys(metadata).length === 0 && !tracks.video && !tracks.audio) return;
    this.guard(() => this.session.sendMetadata(metadataEntries(metadata, tracks)));
    this.sentMetadata = metadata;
  }

  onEvent(event: StreamEvent): void {
    this.guard(() => {
      switch (event.type) {
        case 'config':
          return event.track === 'video'
            ? this.session.sendVideo(this.latest, videoConfigBody(event.config as VideoConfig))
            : this.session.sendAudio(this.latest, audioConfigBody(event.config as AudioConfig));
        case 'metadata':
          if (event.metadata === this.sentMetadata) return;
          this.sentMetadata = event.metadata;
          return this.session.sendMetadata(metadataEntries(event.metadata, this.stream.tracks));
        case 'packet':
          return this.sendPacket(event.packet);
        case 'end':
          return; // the relay's owner closes the connection when the stream leaves the registry
      }
    });
  }

  private sendPacket(packet: MediaPacket): void {
    this.base ??= packet.dts;
    // Audio from before the keyframe the target starts at (it arrives after it when the encoder's video runs
    // ahead, as with B-frames) is of no use there: squeezed to 0 it would repeat a timestamp.
    if (packet.dts < this.base && packet.track === 'audio') return;
    // Small inversions between the tracks stay (players re-interleave); nothing goes below the first packet.
    const timestamp = Math.max(0, Math.round(packet.dts - this.base));
    if (timestamp > this.latest) this.latest = timestamp;
    if (packet.track === 'video') this.session.sendVideo(timestamp, packetTagBody(packet));
    else this.session.sendAudio(timestamp, packetTagBody(packet));
  }

  private guard(send: () => void): void {
    try {
      send();
    } catch (error) {
      this.onError(error);
    }
  }
}
