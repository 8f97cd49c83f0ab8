export {
  ClientServerPair,
  PAIR_CLIENT_OPTIONS,
  type PairEvents,
  type PairOptions,
  type PublishDecision,
} from './client-server-pair.js';
export { CLIENT_FUZZ_MAX_MESSAGE, runClientOnReplies, serverReplyCorpus, type ClientFuzzRun } from './client-fuzz.js';
export { ServerOutput, TestClient, type DecodedServerMessage } from './rtmp-test-peer.js';
