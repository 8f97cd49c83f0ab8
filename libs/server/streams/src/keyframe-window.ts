import { type MediaPacket, releaseMedia, retainMedia } from '@rapidrtmp/media-core';

/** Bytes of media a window may hold before it gives up until the next keyframe (a 2 s GOP at 8 Mbit/s is 2 MB). */
export const DEFAULT_KEYFRAME_WINDOW_BYTES = 16 * 1024 * 1024;

/**
 * The packets since the latest video keyframe (audio interleaved as it arrived): what a player that joins
 * now needs to start decoding at once (RTMP play, HTTP-FLV, restream targets) and what a thumbnail decodes.
 * Packets are the ingest's own objects, payloads views: holding them costs references, not copies (HLS
 * holds the same bytes for the open part anyway). Audio-only streams keep nothing: players start live.
 */
export class KeyframeWindow {
  private packets: MediaPacket[] = [];
  private bytes = 0;
  /** False after an overflow until the next keyframe: a window that does not start on one is no use. */
  private valid = false;

  constructor(private readonly maxBytes = DEFAULT_KEYFRAME_WINDOW_BYTES) {}

  add(packet: MediaPacket): void {
    if (packet.track === 'video' && packet.keyframe) {
      this.clear();
      this.valid = true;
    }
    if (!this.valid) return;
    this.bytes += packet.payload.length;
    if (this.bytes > this.maxBytes) return this.clear();
    // Held past the message that carried it (counted: see MediaArena), released by clear().
    retainMedia(packet.payload);
    this.packets.push(packet);
  }

  /** The latest video keyframe, when the window holds one. */
  get keyframe(): MediaPacket | undefined {
    return this.packets[0];
  }

  /** From the latest keyframe to now, in arrival order; empty when there is no usable window. */
  snapshot(): readonly MediaPacket[] {
    return this.packets;
  }

  get heldBytes(): number {
    return this.bytes;
  }

  clear(): void {
    for (const packet of this.packets) releaseMedia(packet.payload);
    this.packets = [];
    this.bytes = 0;
    this.valid = false;
  }
}
