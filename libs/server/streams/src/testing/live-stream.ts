import { randomUUID } from 'node:crypto';
import type { Publisher } from '@rapidrtmp/server-domain';
import { LiveStream, type LiveStreamInfo } from '../live-stream.js';

const NO_PUBLISHER: Publisher = { close: () => undefined };

/** A LiveStream as ingest would register it (test support: `@rapidrtmp/server-streams/testing`). */
export function makeLiveStream(
  overrides: Partial<LiveStreamInfo> = {},
  publisher: Publisher = NO_PUBLISHER,
): LiveStream {
  const info = {
    id: randomUUID(),
    streamKeyId: randomUUID(),
    keyLabel: 'Studio A',
    playbackId: `pb${Math.random().toString(36).slice(2, 10)}`,
    ownerId: randomUUID(),
    ownerName: 'Ada Lovelace',
    remoteAddress: '203.0.113.7',
    startedAt: new Date(Date.now() - 90_500),
    signedPlayback: false,
    recordingEnabled: false,
    ...overrides,
  };
  return new LiveStream(info, publisher);
}
