/** RTMP message type ids (RTMP 5.4, 6.2, 7.1). */
export const MessageType = {
  SetChunkSize: 1,
  Abort: 2,
  Acknowledgement: 3,
  UserControl: 4,
  WindowAckSize: 5,
  SetPeerBandwidth: 6,
  Audio: 8,
  Video: 9,
  DataAmf3: 15,
  SharedObjectAmf3: 16,
  CommandAmf3: 17,
  DataAmf0: 18,
  SharedObjectAmf0: 19,
  CommandAmf0: 20,
  Aggregate: 22,
} as const;

/** User Control event types (RTMP 7.1.7). */
export const UserControlEvent = {
  StreamBegin: 0,
  StreamEof: 1,
  StreamDry: 2,
  SetBufferLength: 3,
  StreamIsRecorded: 4,
  PingRequest: 6,
  PingResponse: 7,
} as const;

/**
 * Chunk stream ids we send on: 2 is reserved for protocol control (RTMP 5.4); 3 and 5 as FMS uses them;
 * a publisher's audio on 4 and video on 6 as ffmpeg and OBS, its data (metadata) on 8, ffmpeg's source channel.
 */
export const ChunkStreamId = {
  Control: 2,
  Command: 3,
  Audio: 4,
  StreamCommand: 5,
  Video: 6,
  Data: 8,
} as const;
