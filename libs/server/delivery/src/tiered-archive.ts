import type { SegmentRecord } from '@rapidrtmp/hls';
import type { LiveStream } from '@rapidrtmp/server-streams';
import type { LiveSpill } from './live-spill.js';
import type { SegmentArchive } from './segment-archive.js';

/**
 * One archive for delivery, two homes: a recorded session's segments go to the recorder (the object store,
 * kept as the recording), any other session's to the node's local spill. Either way a stored segment can
 * leave memory and be read back, so the in-memory window stays HLS_MEMORY_SEGMENTS whatever the stream's
 * settings.
 */
export class TieredArchive implements SegmentArchive {
  constructor(
    private readonly recorder: SegmentArchive | undefined,
    private readonly spill: LiveSpill,
  ) {}

  begin(stream: LiveStream): void {
    if (this.recorder && stream.info.recordingEnabled) this.recorder.begin(stream);
    else this.spill.begin(stream);
  }

  storeInit(sessionId: string, name: string, data: Buffer): void {
    if (this.spill.keeps(sessionId)) this.spill.storeInit(sessionId, name, data);
    else this.recorder?.storeInit(sessionId, name, data);
  }

  storeSegment(sessionId: string, segment: SegmentRecord, initName: string, onStored?: () => void): void {
    if (this.spill.keeps(sessionId)) this.spill.storeSegment(sessionId, segment, initName, onStored);
    else this.recorder?.storeSegment(sessionId, segment, initName, onStored);
  }

  read(sessionId: string, name: string): Promise<Buffer | undefined> {
    if (this.spill.keeps(sessionId)) return this.spill.read(sessionId, name);
    return this.recorder?.read(sessionId, name) ?? Promise.resolve(undefined);
  }
}
