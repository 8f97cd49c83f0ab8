import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MediaPacket } from '@rapidrtmp/media-core';
import type { RtmpClientSession } from '@rapidrtmp/rtmp';
import { LiveStream, type LiveStreamInfo } from '@rapidrtmp/server-streams';
import { MediaForwarder } from './media-forwarder.js';

const packet = (track: 'video' | 'audio', dts: number, keyframe = false): MediaPacket =>
  track === 'video'
    ? { track, codec: 'avc', dts, pts: dts + 66, keyframe, payload: Buffer.alloc(8) }
    : { track, codec: 'aac', dts, pts: dts, keyframe: true, payload: Buffer.alloc(8) };

describe('MediaForwarder', () => {
  it('starts the target at 0 on the first keyframe and leaves out the audio from before it (never a repeated 0)', () => {
    const sent: string[] = [];
    const session = {
      sendMetadata: () => undefined,
      sendVideo: (timestamp: number) => sent.push(`v${timestamp}`),
      sendAudio: (timestamp: number) => sent.push(`a${timestamp}`),
    } as unknown as RtmpClientSession;
    const stream = new LiveStream({ id: 's', playbackId: 'p' } as LiveStreamInfo, { close: () => undefined });
    const forwarder = new MediaForwarder(session, stream, (error) => assert.fail(String(error)));
    // B-frame video runs ~66 ms ahead of the audio that arrives with it.
    for (const p of [packet('video', 2066, true), packet('audio', 2005), packet('audio', 2026), packet('audio', 2069)])
      forwarder.onEvent({ type: 'packet', packet: p });
    forwarder.onEvent({ type: 'packet', packet: packet('video', 2099) });
    forwarder.onEvent({ type: 'packet', packet: packet('audio', 2090) });
    assert.deepEqual(sent, ['v0', 'a3', 'v33', 'a24'], 'small inversions after the start stay');
  });
});
