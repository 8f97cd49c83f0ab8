import type { RtmpMessage } from './chunk-reader.js';
import { ChunkStreamId, MessageType, UserControlEvent } from './message-types.js';
import { RtmpProtocolError } from './rtmp-error.js';

/** Set Peer Bandwidth limit types (RTMP 5.4.5). */
export type PeerBandwidthLimit = 'hard' | 'soft' | 'dynamic';
const LIMIT_TYPES: PeerBandwidthLimit[] = ['hard', 'soft', 'dynamic'];

export type UserControl =
  | { event: 'stream-begin' | 'stream-eof' | 'stream-dry' | 'stream-is-recorded'; streamId: number }
  | { event: 'set-buffer-length'; streamId: number; bufferLengthMs: number }
  | { event: 'ping-request' | 'ping-response'; timestamp: number }
  | { event: 'unknown'; type: number; data: Buffer };

export type ControlMessage =
  | { type: 'set-chunk-size'; chunkSize: number }
  | { type: 'abort'; chunkStreamId: number }
  | { type: 'acknowledgement'; sequenceNumber: number }
  | { type: 'user-control'; control: UserControl }
  | { type: 'window-ack-size'; windowSize: number }
  | { type: 'set-peer-bandwidth'; windowSize: number; limit: PeerBandwidthLimit };

function controlMessage(typeId: number, payload: Buffer): RtmpMessage {
  // RTMP 5.4: protocol control messages go on chunk stream 2, message stream 0.
  return { chunkStreamId: ChunkStreamId.Control, typeId, messageStreamId: 0, timestamp: 0, payload };
}

function u32(value: number): Buffer {
  const payload = Buffer.allocUnsafe(4);
  payload.writeUInt32BE(value >>> 0);
  return payload;
}

export function setChunkSizeMessage(chunkSize: number): RtmpMessage {
  return controlMessage(MessageType.SetChunkSize, u32(chunkSize & 0x7fffffff)); // RTMP 5.4.1: bit 31 is 0
}

export function abortMessage(chunkStreamId: number): RtmpMessage {
  return controlMessage(MessageType.Abort, u32(chunkStreamId));
}

export function acknowledgementMessage(sequenceNumber: number): RtmpMessage {
  return controlMessage(MessageType.Acknowledgement, u32(sequenceNumber));
}

export function windowAckSizeMessage(windowSize: number): RtmpMessage {
  return controlMessage(MessageType.WindowAckSize, u32(windowSize));
}

export function setPeerBandwidthMessage(windowSize: number, limit: PeerBandwidthLimit): RtmpMessage {
  const payload = Buffer.allocUnsafe(5);
  payload.writeUInt32BE(windowSize >>> 0);
  payload[4] = LIMIT_TYPES.indexOf(limit);
  return controlMessage(MessageType.SetPeerBandwidth, payload);
}

/** RTMP 7.1.7: a 2-byte event type, then the event data. */
export function userControlMessage(control: UserControl): RtmpMessage {
  const body = (type: number, ...values: number[]): RtmpMessage => {
    const payload = Buffer.allocUnsafe(2 + 4 * values.length);
    payload.writeUInt16BE(type);
    values.forEach((value, index) => payload.writeUInt32BE(value >>> 0, 2 + 4 * index));
    return controlMessage(MessageType.UserControl, payload);
  };
  switch (control.event) {
    case 'stream-begin':
      return body(UserControlEvent.StreamBegin, control.streamId);
    case 'stream-eof':
      return body(UserControlEvent.StreamEof, control.streamId);
    case 'stream-dry':
      return body(UserControlEvent.StreamDry, control.streamId);
    case 'stream-is-recorded':
      return body(UserControlEvent.StreamIsRecorded, control.streamId);
    case 'set-buffer-length':
      return body(UserControlEvent.SetBufferLength, control.streamId, control.bufferLengthMs);
    case 'ping-request':
      return body(UserControlEvent.PingRequest, control.timestamp);
    case 'ping-response':
      return body(UserControlEvent.PingResponse, control.timestamp);
    case 'unknown': {
      const payload = Buffer.allocUnsafe(2 + control.data.length);
      payload.writeUInt16BE(control.type);
      control.data.copy(payload, 2);
      return controlMessage(MessageType.UserControl, payload);
    }
  }
}

function need(payload: Buffer, bytes: number, what: string): void {
  if (payload.length < bytes) {
    throw new RtmpProtocolError('control-message-invalid', `${what}: ${payload.length} bytes, need ${bytes}`);
  }
}

function decodeUserControl(payload: Buffer): UserControl {
  need(payload, 2, 'user control');
  const type = payload.readUInt16BE(0);
  const streamEvent = (event: 'stream-begin' | 'stream-eof' | 'stream-dry' | 'stream-is-recorded'): UserControl => {
    need(payload, 6, event);
    return { event, streamId: payload.readUInt32BE(2) };
  };
  switch (type) {
    case UserControlEvent.StreamBegin:
      return streamEvent('stream-begin');
    case UserControlEvent.StreamEof:
      return streamEvent('stream-eof');
    case UserControlEvent.StreamDry:
      return streamEvent('stream-dry');
    case UserControlEvent.StreamIsRecorded:
      return streamEvent('stream-is-recorded');
    case UserControlEvent.SetBufferLength:
      need(payload, 10, 'set buffer length');
      return { event: 'set-buffer-length', streamId: payload.readUInt32BE(2), bufferLengthMs: payload.readUInt32BE(6) };
    case UserControlEvent.PingRequest:
    case UserControlEvent.PingResponse:
      need(payload, 6, 'ping');
      return {
        event: type === UserControlEvent.PingRequest ? 'ping-request' : 'ping-response',
        timestamp: payload.readUInt32BE(2),
      };
    default:
      return { event: 'unknown', type, data: payload.subarray(2) };
  }
}

/** Decodes a protocol control (types 1-3, 5, 6) or User Control (4) message; undefined for other types. */
export function decodeControlMessage(typeId: number, payload: Buffer): ControlMessage | undefined {
  switch (typeId) {
    case MessageType.SetChunkSize: {
      need(payload, 4, 'set chunk size');
      // RTMP 5.4.1: bit 31 must be 0 and a size of 0 is meaningless; the reader validates the range.
      return { type: 'set-chunk-size', chunkSize: payload.readUInt32BE(0) };
    }
    case MessageType.Abort:
      need(payload, 4, 'abort');
      return { type: 'abort', chunkStreamId: payload.readUInt32BE(0) };
    case MessageType.Acknowledgement:
      need(payload, 4, 'acknowledgement');
      return { type: 'acknowledgement', sequenceNumber: payload.readUInt32BE(0) };
    case MessageType.UserControl:
      return { type: 'user-control', control: decodeUserControl(payload) };
    case MessageType.WindowAckSize:
      need(payload, 4, 'window acknowledgement size');
      return { type: 'window-ack-size', windowSize: payload.readUInt32BE(0) };
    case MessageType.SetPeerBandwidth: {
      need(payload, 4, 'set peer bandwidth');
      // Some clients send only the window; treat a missing limit type as dynamic.
      const limit = LIMIT_TYPES[payload.length >= 5 ? payload.readUInt8(4) : 2] ?? 'dynamic';
      return { type: 'set-peer-bandwidth', windowSize: payload.readUInt32BE(0), limit };
    }
    default:
      return undefined;
  }
}
