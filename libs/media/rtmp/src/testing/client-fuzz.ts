import { AmfError } from '@rapidrtmp/amf';
import { RtmpClientError } from '../client-error.js';
import { RtmpClientSession } from '../client-session.js';
import type { RtmpStatus } from '../client-types.js';
import { RtmpProtocolError } from '../rtmp-error.js';
import { ClientServerPair, PAIR_CLIENT_OPTIONS, type PairOptions } from './client-server-pair.js';

/** The client's bound on the server's messages while fuzzing. */
export const CLIENT_FUZZ_MAX_MESSAGE = 64 * 1024;
/** Reader slack beyond partial messages: one chunk header plus the extended-timestamp peek. */
const HEADER_SLACK = 32;
const SERVER_FAILURES = new Set([
  'protocol-error',
  'connect-rejected',
  'create-stream-failed',
  'publish-rejected',
  'publish-ended',
]);

/**
 * Real server->client byte streams to mutate: the repo's server answering the client through a whole
 * publish (accepted, refused, stopped by the server, with a tiny acknowledgement window, at several
 * chunk sizes), each starting with S0+S1+S2.
 */
export function serverReplyCorpus(): Buffer[] {
  const variants: PairOptions[] = [
    {},
    { server: { outgoingChunkSize: 128, windowAckSize: 64 } },
    { server: { outgoingChunkSize: 60_000 }, client: { outgoingChunkSize: 128 } },
    { decide: () => ({ code: 'NetStream.Publish.BadName', description: 'Unknown key secret-key.' }) },
  ];
  const corpus = variants.map((options) => {
    const pair = new ClientServerPair(options).start();
    if (pair.client.publishing) pair.client.sendVideo(0x1000000, [Buffer.of(0x17, 0), Buffer.alloc(300, 1)]);
    return pair.pump();
  });
  const stopped = new ClientServerPair().start();
  stopped.server.stop('Stopped by a moderator.');
  corpus.push(stopped.pump());
  return corpus.map((pair) => Buffer.concat(pair.serverBytes));
}

export interface ClientFuzzRun {
  errors: RtmpClientError[];
  published: boolean;
  /** Broken invariants, in words; empty when the session behaved. */
  violations: string[];
}

/**
 * Drives a fresh RtmpClientSession with `reads` as the server's bytes: sends media once publishing,
 * closes after `closeAfterReads` reads if given. `receive` must not throw (a throw escapes: a crash).
 * Checks the bounds and the contract: at most one onError, then closed; onClosed once at most; typed
 * causes; publishing only after onPublishing and never once closed; the stream key in no message.
 */
export function runClientOnReplies(reads: Iterable<Buffer>, closeAfterReads?: number): ClientFuzzRun {
  const errors: RtmpClientError[] = [];
  const statuses: RtmpStatus[] = [];
  const violations: string[] = [];
  let publishings = 0;
  let closings = 0;
  const client: RtmpClientSession = new RtmpClientSession(
    {
      send: () => undefined,
      onPublishing: () => {
        publishings++;
        client.sendMetadata({ width: 640 });
        client.sendVideo(0, [Buffer.of(0x17, 0, 0, 0, 0), Buffer.alloc(40)]);
      },
      onStatus: (status) => statuses.push(status),
      onError: (error) => errors.push(error),
      onClosed: () => closings++,
    },
    { ...PAIR_CLIENT_OPTIONS, maxMessageSize: CLIENT_FUZZ_MAX_MESSAGE },
  );
  client.start();
  let count = 0;
  for (const read of reads) {
    client.receive(read);
    if (client.publishing) client.sendAudio(count, Buffer.of(0xaf, 1, count & 0xff));
    if (++count === closeAfterReads) client.close();
    if (client.bufferedBytes > 2 * CLIENT_FUZZ_MAX_MESSAGE + HEADER_SLACK) {
      violations.push(`${client.bufferedBytes} bytes held after read ${count}`);
    }
  }
  if (errors.length > 1) violations.push(`${errors.length} errors reported`);
  if (closings > 1) violations.push(`onClosed ${closings} times`);
  if (errors.length > 0 && (!client.isClosed || closings !== 1)) violations.push('not closed after onError');
  if (publishings > 1) violations.push(`onPublishing ${publishings} times`);
  if (client.publishing && (publishings !== 1 || client.isClosed)) violations.push('publishing without onPublishing');
  for (const error of errors) {
    if (!(error instanceof RtmpClientError) || !SERVER_FAILURES.has(error.code)) {
      violations.push(`unexpected error ${String(error)}`);
    }
    const cause: unknown = error.cause;
    if (error.code === 'protocol-error' && !(cause instanceof RtmpProtocolError || cause instanceof AmfError)) {
      violations.push(`protocol-error with an untyped cause ${String(cause)}`);
    }
  }
  const said = [...errors.map((e) => e.message), ...statuses.map((s) => `${s.level} ${s.code} ${s.description}`)];
  if (said.some((text) => text.includes('secret-key'))) violations.push('the stream key leaked into a message');
  return { errors, published: publishings > 0, violations };
}
