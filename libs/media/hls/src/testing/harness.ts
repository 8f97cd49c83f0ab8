// Test support: drives a LivePackager like the server does and records what it reports.
import type { MediaPacket } from '@rapidrtmp/media-core';
import { LivePackager, type LivePackagerOptions } from '../live-packager.js';
import type { InitSegmentRecord, PackagerEvent, PartRecord, SegmentRecord } from '../types.js';
import type { RtmpStream } from './rtmp-stream.js';

/** 2026-11-24T08:00:00Z: the wall clock at the first packet. */
export const WALL_CLOCK_START = Date.UTC(2026, 10, 24, 8, 0, 0);

export class Recorder {
  readonly events: PackagerEvent[] = [];
  readonly inits: InitSegmentRecord[] = [];
  readonly parts: PartRecord[] = [];
  readonly segments: SegmentRecord[] = [];
  readonly evicted: SegmentRecord[] = [];

  readonly listener = (event: PackagerEvent): void => {
    this.events.push(event);
    if (event.type === 'init') this.inits.push(event.init);
    if (event.type === 'part') this.parts.push(event.part);
    if (event.type === 'segment') this.segments.push(event.segment);
    if (event.type === 'segment-evicted') this.evicted.push(event.segment);
  };
}

export function createPackager(options: Omit<LivePackagerOptions, 'listener'> = {}): {
  packager: LivePackager;
  recorder: Recorder;
} {
  const recorder = new Recorder();
  return { packager: new LivePackager({ ...options, listener: recorder.listener }), recorder };
}

/** Pushes packets as a real-time publisher would: wall clock = start + dts - first dts (+ `delayMs`). */
export function publish(
  packager: LivePackager,
  packets: readonly MediaPacket[],
  wallClockAtFirst: number,
  onEach?: (p: MediaPacket) => void,
): number {
  const first = packets[0]?.dts ?? 0;
  let now = wallClockAtFirst;
  for (const packet of packets) {
    now = wallClockAtFirst + packet.dts - first;
    packager.push(packet, now);
    onEach?.(packet);
  }
  return now;
}

export function publishStream(packager: LivePackager, stream: RtmpStream, wallClockAtFirst = WALL_CLOCK_START): number {
  packager.setTrackConfig('video', stream.video);
  packager.setTrackConfig('audio', stream.audio);
  return publish(packager, stream.packets, wallClockAtFirst);
}
