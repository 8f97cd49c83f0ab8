import { type MediaPacket, releaseMedia, retainMedia } from '@rapidrtmp/media-core';

/** Bytes of media a window may hold before it gives up until the next keyframe (a 2 s GOP at 8 Mbit/s is 2 MB). */
export const DEFAULT_KEYFRAME_WINDOW_BYTES = 16 * 1024 * 1024;

/**
 * The packets since the latest video keyframe (audio interleaved as it arrived): what a player that joins
 * now needs to start decoding at once (RTMP play, HTTP-FLV, restream targets), and the keyframe a thumbnail
 * decodes. Packets are the ingest's own objects, payloads views: holding them costs references, not copies,
 * but it keeps up to a group of pictures of media in memory (HLS itself keeps only the newest second), so
 * the stream asks for the whole group only while players may join (`keepGroup`); the keyframe is always
 * kept. Audio-only streams keep nothing: players start live.
 */
export class KeyframeWindow {
  private packets: MediaPacket[] = [];
  private bytes = 0;
  /** False after an overflow until the next keyframe: a window that does not start on one is no use. */
  private valid = false;
  /** Every packet since the keyframe is held: a joining player can start from it. */
  private whole = false;
  /** Hold the packets after the keyframe too, from the next keyframe on (until then the group is partial). */
  keepGroup = true;

  constructor(private readonly maxBytes = DEFAULT_KEYFRAME_WINDOW_BYTES) {}

  add(packet: MediaPacket): void {
    if (packet.track === 'video' && packet.keyframe) {
      this.clear();
      this.valid = true;
      this.whole = this.keepGroup;
    } else if (!this.whole) return;
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
    return this.whole ? this.packets : [];
  }

  get heldBytes(): number {
    return this.bytes;
  }

  clear(): void {
    for (const packet of this.packets) releaseMedia(packet.payload);
    this.packets = [];
    this.bytes = 0;
    this.valid = false;
    this.whole = false;
  }
}
