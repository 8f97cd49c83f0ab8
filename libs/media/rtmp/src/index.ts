export { RtmpProtocolError, type RtmpErrorCode } from './rtmp-error.js';
export {
  createServerHandshake,
  digestOffset,
  findDigest,
  packetDigest,
  ServerHandshakeReceiver,
  GENUINE_FMS_KEY,
  GENUINE_FP_KEY,
  HANDSHAKE_SIZE,
  RTMP_VERSION,
  type DigestSchema,
  type ServerHandshake,
  type ServerHandshakeOptions,
} from './handshake.js';
export {
  ChunkReader,
  DEFAULT_CHUNK_SIZE,
  DEFAULT_MIN_CHUNK_SIZE,
  MAX_CHUNK_SIZE,
  validateChunkSize,
  type ChunkReaderOptions,
  type RtmpMessage,
} from './chunk-reader.js';
export { ChunkWriter, MAX_MESSAGE_LENGTH, wireTimestamp, type OutgoingMessage } from './chunk-writer.js';
export {
  abortMessage,
  acknowledgementMessage,
  decodeControlMessage,
  setChunkSizeMessage,
  setPeerBandwidthMessage,
  userControlMessage,
  windowAckSizeMessage,
  type ControlMessage,
  type PeerBandwidthLimit,
  type UserControl,
} from './control-messages.js';
export { ChunkStreamId, MessageType, UserControlEvent } from './message-types.js';
export { splitAggregate, type AggregateSubMessage } from './aggregate.js';
export { commandMessage, decodeCommand, decodeMessageValues, statusInfo, type RtmpCommand } from './command-codec.js';
export { splitQuery, type NameWithQuery } from './stream-name.js';
export { RtmpServerSession } from './server-session.js';
export type {
  RtmpConnectInfo,
  RtmpMediaMessage,
  RtmpPlayMediaKind,
  RtmpPlayRequest,
  RtmpPublishRequest,
  RtmpServerSessionOptions,
  RtmpSessionListener,
  RtmpUnplayReason,
  RtmpUnpublishReason,
} from './session-types.js';
export { RtmpClientSession, type RtmpClientPhase } from './client-session.js';
export { RtmpClientError, type RtmpClientErrorCode } from './client-error.js';
export type { RtmpClientListener, RtmpClientOptions, RtmpStatus } from './client-types.js';
export { ClientHandshakeReceiver, createClientHello } from './client-handshake.js';
