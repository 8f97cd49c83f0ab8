import type { AmfObject } from '@rapidrtmp/amf';
import { RtmpClientSession } from '../client-session.js';
import type { RtmpClientError } from '../client-error.js';
import type { RtmpClientOptions, RtmpStatus } from '../client-types.js';
import { RtmpServerSession } from '../server-session.js';
import type {
  RtmpConnectInfo,
  RtmpMediaMessage,
  RtmpPublishRequest,
  RtmpServerSessionOptions,
  RtmpUnpublishReason,
} from '../session-types.js';

/** What the host does with a publish request: accept it, refuse it (code, description) or leave it pending. */
export type PublishDecision = 'accept' | 'pending' | { code: string; description: string };

export interface PairOptions {
  client?: Partial<RtmpClientOptions>;
  server?: RtmpServerSessionOptions;
  decide?: (request: RtmpPublishRequest) => PublishDecision;
  /** Cuts every delivery into reads of at most this many bytes (default: one read per send). */
  readSize?: number;
}

/** What each side saw, in order. */
export interface PairEvents {
  connects: RtmpConnectInfo[];
  publishes: RtmpPublishRequest[];
  serverCommands: string[];
  media: RtmpMediaMessage[];
  metadata: AmfObject[];
  unpublishes: RtmpUnpublishReason[];
  serverErrors: string[];
  publishing: number;
  statuses: RtmpStatus[];
  clientErrors: RtmpClientError[];
  closed: number;
}

export const PAIR_CLIENT_OPTIONS: RtmpClientOptions = {
  app: 'live',
  tcUrl: 'rtmp://127.0.0.1/live',
  streamName: 'secret-key?token=abc',
  randomBytes: (size) => Buffer.alloc(size, 7),
};

/**
 * A client session and the repo's server session wired back to back in memory, for specs. Bytes
 * wait in a queue per direction and `pump()` delivers them, so neither session is re-entered from
 * inside the other's callbacks (as with a real socket). `clientBytes` / `serverBytes` keep all of
 * each side's output, for replaying at other read boundaries.
 */
export class ClientServerPair {
  readonly events: PairEvents = {
    connects: [],
    publishes: [],
    serverCommands: [],
    media: [],
    metadata: [],
    unpublishes: [],
    serverErrors: [],
    publishing: 0,
    statuses: [],
    clientErrors: [],
    closed: 0,
  };
  readonly clientBytes: Buffer[] = [];
  readonly serverBytes: Buffer[] = [];
  /** Every part the client handed to `send`, as given (to check payload views). */
  readonly clientParts: Buffer[] = [];
  readonly client: RtmpClientSession;
  readonly server: RtmpServerSession;
  private readonly toServer: Buffer[] = [];
  private readonly toClient: Buffer[] = [];

  constructor(private readonly options: PairOptions = {}) {
    const events = this.events;
    this.client = new RtmpClientSession(
      {
        send: (bytes) => {
          const parts = Array.isArray(bytes) ? bytes : [bytes];
          this.clientParts.push(...parts);
          const joined = Buffer.concat(parts);
          this.clientBytes.push(joined);
          this.toServer.push(joined);
        },
        onPublishing: () => events.publishing++,
        onStatus: (status) => events.statuses.push(status),
        onError: (error) => events.clientErrors.push(error),
        onClosed: () => events.closed++,
      },
      { ...PAIR_CLIENT_OPTIONS, ...options.client },
    );
    const server: RtmpServerSession = new RtmpServerSession(
      {
        send: (bytes) => {
          const joined = Buffer.concat(Array.isArray(bytes) ? bytes : [bytes]);
          this.serverBytes.push(joined);
          this.toClient.push(joined);
        },
        onConnect: (info) => events.connects.push(info),
        onCommand: (command) => events.serverCommands.push(command.name),
        onPublish: (request) => {
          events.publishes.push(request);
          const decision = options.decide?.(request) ?? 'accept';
          if (decision === 'accept') server.acceptPublish(request.streamId);
          else if (decision !== 'pending') server.rejectPublish(request.streamId, decision.code, decision.description);
        },
        onMedia: (media) => events.media.push(media),
        onMetadata: (metadata) => events.metadata.push(metadata),
        onUnpublish: (reason) => events.unpublishes.push(reason),
        onProtocolError: (error) => events.serverErrors.push(error.code),
      },
      options.server,
    );
    this.server = server;
  }

  /** Starts the client and delivers until both sides are quiet. */
  start(): this {
    this.client.start();
    return this.pump();
  }

  /** Delivers queued bytes both ways until nothing is left. */
  pump(): this {
    while (this.toServer.length > 0 || this.toClient.length > 0) {
      for (const bytes of this.toServer.splice(0)) this.deliver(bytes, (read) => this.server.receive(read));
      for (const bytes of this.toClient.splice(0)) this.deliver(bytes, (read) => this.client.receive(read));
    }
    return this;
  }

  private deliver(bytes: Buffer, receive: (read: Buffer) => void): void {
    const size = this.options.readSize ?? bytes.length;
    for (let at = 0; at < bytes.length; at += size) receive(bytes.subarray(at, at + size));
  }
}
