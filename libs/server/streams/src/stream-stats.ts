import type { MediaPacket } from '@rapidrtmp/media-core';

/** One second of ingest. */
export interface IngestSecond {
  /** Unix time, seconds. */
  at: number;
  bytes: number;
  videoFrames: number;
  keyframes: number;
}

const HISTORY_SECONDS = 300;

/**
 * Running ingest statistics of one live stream: totals, a five-minute per-second history for graphs,
 * and derived bitrate / frame rate / keyframe interval. O(1) per packet, no allocation per packet
 * except when a new second starts.
 */
export class StreamStats {
  bytesIn = 0;
  videoFrames = 0;
  audioFrames = 0;
  keyframes = 0;
  /** Frames the ingest could not use (malformed tags, frames before their codec config). */
  droppedFrames = 0;
  /** Milliseconds between the last two video keyframes (stream clock). */
  keyframeIntervalMs: number | undefined;
  private lastKeyframeDts: number | undefined;
  private readonly history: IngestSecond[] = [];

  constructor(private readonly clock: () => number = Date.now) {}

  /** Bytes as received on the wire (chunk headers included). */
  addBytes(bytes: number): void {
    this.bytesIn += bytes;
    this.current().bytes += bytes;
  }

  addPacket(packet: MediaPacket): void {
    if (packet.track === 'audio') {
      this.audioFrames++;
      return;
    }
    this.videoFrames++;
    const second = this.current();
    second.videoFrames++;
    if (packet.keyframe) {
      this.keyframes++;
      second.keyframes++;
      if (this.lastKeyframeDts !== undefined) this.keyframeIntervalMs = packet.dts - this.lastKeyframeDts;
      this.lastKeyframeDts = packet.dts;
    }
  }

  /** Average ingest bitrate (bits/s) over the last `seconds` complete seconds. */
  bitrate(seconds = 5): number {
    const window = this.completeSeconds(seconds);
    if (window.length === 0) return 0;
    return Math.round((window.reduce((sum, s) => sum + s.bytes, 0) * 8) / window.length);
  }

  /** Measured video frames per second over the last `seconds` complete seconds. */
  frameRate(seconds = 5): number {
    const window = this.completeSeconds(seconds);
    if (window.length === 0) return 0;
    return Math.round((window.reduce((sum, s) => sum + s.videoFrames, 0) / window.length) * 100) / 100;
  }

  /** Per-second history, oldest first (up to five minutes). */
  timeline(): readonly IngestSecond[] {
    return this.history;
  }

  private current(): IngestSecond {
    const at = Math.floor(this.clock() / 1000);
    const last = this.history[this.history.length - 1];
    if (last && last.at === at) return last;
    const second = { at, bytes: 0, videoFrames: 0, keyframes: 0 };
    this.history.push(second);
    if (this.history.length > HISTORY_SECONDS) this.history.shift();
    return second;
  }

  private completeSeconds(count: number): IngestSecond[] {
    const now = Math.floor(this.clock() / 1000);
    return this.history.filter((s) => s.at < now && s.at >= now - count);
  }
}
