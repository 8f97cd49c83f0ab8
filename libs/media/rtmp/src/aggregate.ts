import { RtmpProtocolError } from './rtmp-error.js';

/** One message carried inside an Aggregate message (RTMP 6.1.1, 7.1.6). */
export interface AggregateSubMessage {
  typeId: number;
  /** 32-bit timestamp, already rebased onto the aggregate message's timeline. */
  timestamp: number;
  /** A view into the aggregate payload. */
  payload: Buffer;
}

const SUB_HEADER = 11;
const BACK_POINTER = 4;

/**
 * Splits an Aggregate message body: FLV-tag-shaped sub-messages (type, 3-byte size, 3-byte timestamp
 * + 1 byte of high bits, 3-byte stream id, body, 4-byte back pointer). RTMP 7.1.6: the aggregate's
 * stream id overrides the sub-messages' and the difference between the aggregate timestamp and the
 * first sub-message's timestamp is the offset that rebases them all.
 */
export function splitAggregate(payload: Buffer, aggregateTimestamp: number): AggregateSubMessage[] {
  const messages: AggregateSubMessage[] = [];
  let offset = 0;
  let firstTimestamp: number | undefined;
  while (offset < payload.length) {
    if (payload.length - offset < SUB_HEADER) {
      throw new RtmpProtocolError('aggregate-malformed', `sub-message header truncated at ${offset}`);
    }
    const typeId = payload.readUInt8(offset);
    const size = payload.readUIntBE(offset + 1, 3);
    const raw = (payload.readUIntBE(offset + 4, 3) | (payload.readUInt8(offset + 7) << 24)) >>> 0;
    const start = offset + SUB_HEADER;
    if (start + size > payload.length) {
      throw new RtmpProtocolError('aggregate-malformed', `sub-message of ${size} bytes overruns the aggregate`);
    }
    firstTimestamp ??= raw;
    messages.push({
      typeId,
      timestamp: (aggregateTimestamp + raw - firstTimestamp) >>> 0,
      payload: payload.subarray(start, start + size),
    });
    // The back pointer after the last sub-message is sometimes left out.
    offset = Math.min(payload.length, start + size + BACK_POINTER);
  }
  return messages;
}
