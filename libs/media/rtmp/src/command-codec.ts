import { decodeAmf0, encodeAmf0, type AmfLimits, type AmfObject, type AmfValue } from '@rapidrtmp/amf';
import type { RtmpMessage } from './chunk-reader.js';
import { MessageType } from './message-types.js';
import { RtmpProtocolError } from './rtmp-error.js';

/** A NetConnection/NetStream command (RTMP 7.1.1, 7.2). */
export interface RtmpCommand {
  name: string;
  /** 0 for commands that expect no answer. */
  transactionId: number;
  /** Usually null; the connect properties for `connect`. */
  commandObject: AmfValue;
  args: AmfValue[];
  messageStreamId: number;
  /** Sent as an AMF3 command message (type 17) by an `objectEncoding: 3` client. */
  amf3: boolean;
}

/**
 * The AMF0 values of a command or data message. RTMP 7.1.1/7.1.2: the AMF3 variants (types 17, 15)
 * start with a format byte 0, then AMF0 values that switch to AMF3 per value with marker 0x11.
 * A leading 0 can't start an AMF0 command (that would be a number), so it is safe to skip.
 */
export function decodeMessageValues(message: RtmpMessage, limits?: Partial<AmfLimits>): AmfValue[] {
  const amf3 = message.typeId === MessageType.CommandAmf3 || message.typeId === MessageType.DataAmf3;
  const body = amf3 && message.payload[0] === 0x00 ? message.payload.subarray(1) : message.payload;
  return decodeAmf0(body, limits);
}

export function decodeCommand(message: RtmpMessage, limits?: Partial<AmfLimits>): RtmpCommand {
  const [name, transactionId, commandObject = null, ...args] = decodeMessageValues(message, limits);
  if (typeof name !== 'string') throw new RtmpProtocolError('command-malformed', 'command name is not a string');
  return {
    name,
    transactionId: typeof transactionId === 'number' && Number.isFinite(transactionId) ? transactionId : 0,
    commandObject,
    args,
    messageStreamId: message.messageStreamId,
    amf3: message.typeId === MessageType.CommandAmf3,
  };
}

/** An AMF0 command message. We answer AMF3 clients in AMF0 too: Flash Player and FMS do the same. */
export function commandMessage(
  chunkStreamId: number,
  messageStreamId: number,
  name: string,
  transactionId: number,
  commandObject: AmfValue,
  ...args: AmfValue[]
): RtmpMessage {
  return {
    chunkStreamId,
    typeId: MessageType.CommandAmf0,
    messageStreamId,
    timestamp: 0,
    payload: encodeAmf0(name, transactionId, commandObject, ...args),
  };
}

/** The info object of `onStatus` / `_result` / `_error` (RTMP 7.2.2). */
export function statusInfo(level: 'status' | 'error' | 'warning', code: string, description: string): AmfObject {
  return { level, code, description };
}
