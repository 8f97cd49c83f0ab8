import { encodeAmf0 } from '@rapidrtmp/amf';
import type { RtmpMessage } from './chunk-reader.js';
import { commandMessage, statusInfo } from './command-codec.js';
import { userControlMessage } from './control-messages.js';
import { ChunkStreamId, MessageType } from './message-types.js';

/** `onStatus` on a message stream (RTMP 7.2.2): what NetStream events are told with. */
export function statusMessage(
  streamId: number,
  level: 'status' | 'error',
  code: string,
  description: string,
): RtmpMessage {
  return commandMessage(
    ChunkStreamId.StreamCommand,
    streamId,
    'onStatus',
    0,
    null,
    statusInfo(level, code, description),
  );
}

/**
 * What an accepted play gets before its media (RTMP 7.2.2.1): Stream Begin, NetStream.Play.Reset and
 * NetStream.Play.Start, and `|RtmpSampleAccess` (audio and video sample access), as FMS, nginx-rtmp and SRS send.
 */
export function playStartMessages(streamId: number): RtmpMessage[] {
  return [
    userControlMessage({ event: 'stream-begin', streamId }),
    statusMessage(streamId, 'status', 'NetStream.Play.Reset', 'Playing and resetting.'),
    statusMessage(streamId, 'status', 'NetStream.Play.Start', 'Started playing.'),
    {
      chunkStreamId: ChunkStreamId.Data,
      typeId: MessageType.DataAmf0,
      messageStreamId: streamId,
      timestamp: 0,
      payload: encodeAmf0('|RtmpSampleAccess', true, true),
    },
  ];
}

/** A live pause or unpause, as nginx-rtmp answers it: the notification with Stream EOF, or Stream Begin with it. */
export function pauseMessages(streamId: number, paused: boolean): RtmpMessage[] {
  return paused
    ? [
        statusMessage(streamId, 'status', 'NetStream.Pause.Notify', 'Paused live.'),
        userControlMessage({ event: 'stream-eof', streamId }),
      ]
    : [
        userControlMessage({ event: 'stream-begin', streamId }),
        statusMessage(streamId, 'status', 'NetStream.Unpause.Notify', 'Unpaused live.'),
      ];
}

/** The played stream is over: Stream EOF and NetStream.Play.UnpublishNotify, or `code` at level error. */
export function playEndMessages(streamId: number, description: string, code?: string): RtmpMessage[] {
  return [
    userControlMessage({ event: 'stream-eof', streamId }),
    code
      ? statusMessage(streamId, 'error', code, description)
      : statusMessage(streamId, 'status', 'NetStream.Play.UnpublishNotify', description),
  ];
}
