import { maxHeaderSize, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { FastAnswer, FastLaneEdge, LaneRequest } from './fast-lane.js';
import { parseRequestHead, type RequestHead } from './request-head.js';
import { type ConnectionAfter, ResponseHeads } from './response-head.js';

/** A lane's answer to a request the front read, or undefined for Node's HTTP server to take over. */
export type LaneAnswerer = (request: LaneRequest) => FastAnswer | Promise<FastAnswer> | undefined;

/** The connections the front holds. */
export interface LaneConnections {
  /** Connections held now (not yet handed to Node's HTTP server). */
  readonly size: number;
  /**
   * Whether the first request Node reads on this connection is one a lane already declined (or whose held
   * answer was rejected) before the hand-off: it goes straight to the framework, not to the lanes again.
   * True once per hand-off.
   */
  declinedFirst(socket: Socket): boolean;
}

/** Bodies up to this size are written with their head as one prepared buffer (playlists). */
const WHOLE_RESPONSE_BYTES = 64 * 1024;
/** Pipelined bytes kept while an answer is held or the client does not read: past this, reading pauses. */
const PIPELINE_BYTES = 64 * 1024;

/**
 * Takes the server's new connections before Node's HTTP server does. While each request on a connection
 * is a plain GET (parseRequestHead) that a lane answers, the front answers it on the socket: one read, one
 * corked write of the head and the body's buffers. At the first request it does not answer (another
 * method or path, an unusual or incomplete head, a lane that declines) it hands the connection, with that
 * request's bytes, to Node's HTTP server, which keeps it to the end: the framework then sees exactly the
 * bytes the client sent, from a request boundary. Requests on one connection are answered in order (a held
 * answer holds the ones behind it); an idle connection closes after the server's keep-alive timeout.
 */
export function takeLaneConnections(server: Server, answer: LaneAnswerer, edge: FastLaneEdge): LaneConnections {
  const nodeListeners = server.listeners('connection') as Array<(socket: Socket) => void>;
  if (nodeListeners.length === 0) throw new Error('the HTTP server has no connection listener to stand in front of');
  server.removeAllListeners('connection');
  const held = new Set<LaneConnection>();
  const front: Front = {
    answer,
    edge,
    // The server's own bound when it was given one (`http.createServer({ maxHeaderSize })`), as its parser's.
    maxHeadBytes: (server as { maxHeaderSize?: number }).maxHeaderSize || maxHeaderSize,
    keepAliveMs: () => server.keepAliveTimeout,
    // The keep-alive timeout, or the server's inactivity timeout when that is shorter.
    idleMs: () => Math.min(...[server.keepAliveTimeout, server.timeout].filter((ms) => ms > 0), 0x7fffffff),
    open: () => server.listening,
    heads: new ResponseHeads(edge.headers),
    handOff: (socket) => {
      for (const listener of nodeListeners) listener.call(server, socket);
    },
    held,
    declined: new WeakSet(),
  };
  server.on('connection', (socket: Socket) => {
    held.add(new LaneConnection(socket, front));
  });
  // The server's close (which calls closeIdleConnections) and closeAllConnections cover the front's
  // connections too: an idle one closes at once, one with an answer held closes after it.
  const closeIdle = server.closeIdleConnections.bind(server);
  const closeAll = server.closeAllConnections.bind(server);
  server.closeIdleConnections = () => {
    closeIdle();
    for (const connection of held) connection.closeIfIdle();
  };
  server.closeAllConnections = () => {
    closeAll();
    for (const connection of held) connection.close();
  };
  return {
    get size() {
      return held.size;
    },
    declinedFirst: (socket) => front.declined.delete(socket),
  };
}

interface Front {
  readonly answer: LaneAnswerer;
  readonly edge: FastLaneEdge;
  readonly maxHeadBytes: number;
  readonly keepAliveMs: () => number;
  readonly idleMs: () => number;
  readonly heads: ResponseHeads;
  /** False once the server is closing: answers close their connection. */
  readonly open: () => boolean;
  readonly handOff: (socket: Socket) => void;
  readonly held: Set<LaneConnection>;
  readonly declined: WeakSet<Socket>;
}

/** One connection while the front holds it. */
class LaneConnection {
  /** Bytes read and not yet answered (the start of the next request). */
  private pending: Buffer | undefined;
  /** An answer is held (a promise) or the client is not reading: requests behind wait. */
  private waiting = false;
  private done = false;
  /** The idle clock runs (reads and writes restart it); stopped while an answer is held. */
  private clock = false;

  constructor(
    private readonly socket: Socket,
    private readonly front: Front,
  ) {
    socket.on('data', this.onData);
    socket.on('timeout', this.onTimeout);
    socket.on('end', this.onEnd);
    socket.on('close', this.onClose);
    socket.on('error', noop); // a reset: 'close' follows
    this.idle();
  }

  closeIfIdle(): void {
    if (!this.waiting) this.close();
  }

  close(): void {
    this.finish();
    this.socket.destroy();
  }

  private readonly onData = (chunk: Buffer): void => {
    this.pending = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    if (!this.waiting) return this.serve();
    if (this.pending.length > PIPELINE_BYTES) this.socket.pause();
  };

  /** Idle past the keep-alive timeout, or not reading what it asked for as long (never while an answer is held). */
  private readonly onTimeout = (): void => {
    this.close();
  };

  /** The client sent all it will (FIN): what it asked and is not answered yet is dropped, as Node does. */
  private readonly onEnd = (): void => {
    this.finish();
    this.socket.end();
  };

  private readonly onClose = (): void => {
    this.finish();
  };

  /** Answers the requests read so far, in order, until one must wait or goes to Node. */
  private serve(): void {
    while (!this.done && !this.waiting && this.pending) {
      const parsed = parseRequestHead(this.pending, this.front.maxHeadBytes);
      // An incomplete head goes to Node too: its timeouts bound a client that sends a request slowly.
      if (parsed.kind !== 'head') return this.handOff(undefined);
      const { head } = parsed;
      const started = performance.now();
      const answer = this.front.answer({ url: head.url, headers: head.headers, socket: this.socket });
      if (!answer) return this.handOff(undefined, true);
      const request = this.pending.subarray(0, head.length);
      this.pending = this.pending.length > head.length ? this.pending.subarray(head.length) : undefined;
      if (answer instanceof Promise) return this.hold(answer, request, head, started);
      if (!this.write(answer, head, started)) return this.handOff(request, true);
    }
    if (this.done || this.waiting) return;
    if (this.front.open()) this.idle();
    else this.close();
  }

  /** A held answer: the connection waits for it (a rejected one goes to Node with its request). */
  private hold(answer: Promise<FastAnswer>, request: Buffer, head: RequestHead, started: number): void {
    this.waiting = true;
    this.clock = false;
    this.socket.setTimeout(0); // the lane bounds how long it holds
    answer.then(
      (later) => {
        if (this.done) return later.done?.(); // the client left: the buffers are free at once
        this.waiting = false;
        if (!this.write(later, head, started)) return this.handOff(request, true);
        if (!this.waiting) this.resume();
      },
      () => {
        this.waiting = false;
        if (!this.done) this.handOff(request, true);
      },
    );
  }

  /** Writes an answer; false (nothing written, buffers let go) if its headers cannot be written. */
  private write(answer: FastAnswer, head: RequestHead, started: number): boolean {
    const keepAlive = head.keepAlive && this.front.open();
    const after: ConnectionAfter = keepAlive
      ? { keepAliveSeconds: Math.floor(this.front.keepAliveMs() / 1000) }
      : 'close';
    const { socket } = this;
    const { body } = answer;
    const { heads } = this.front;
    // A small shared body (a playlist rendering): head and body prepared once, one write per client.
    if (after !== 'close' && !answer.done && Buffer.isBuffer(body) && body.length <= WHOLE_RESPONSE_BYTES) {
      const whole = unlessInvalid(() => heads.whole(answer.status, answer.headers, body, after.keepAliveSeconds));
      if (!whole) return false;
      socket.write(whole);
    } else {
      const text = unlessInvalid(() => heads.head(answer.status, answer.headers, answer.length, after));
      if (text === undefined) {
        answer.done?.();
        return false;
      }
      this.writeParts(text, answer);
    }
    this.front.edge.answered('GET', answer.route, answer.status, (performance.now() - started) / 1000);
    if (!keepAlive) {
      this.finish();
      socket.end();
    } else if (socket.writableNeedDrain) {
      // The client is not reading: no more answers until it does (the kernel holds what it sent).
      this.waiting = true;
      socket.once('drain', () => this.resume());
    }
    return true;
  }

  /** The head, then the body's buffers, corked: one writev, the buffers never joined; `done` once written. */
  private writeParts(head: string, answer: FastAnswer): void {
    const { socket } = this;
    const release = answer.done && releaseOnce(socket, answer.done);
    socket.cork();
    socket.write(head, 'latin1');
    const { body } = answer;
    if (typeof body === 'string' || Buffer.isBuffer(body)) socket.write(body, release);
    else if (body.length === 0) release?.();
    else
      for (let i = 0; i < body.length; i++)
        socket.write(body[i] as Buffer, i === body.length - 1 ? release : undefined);
    socket.uncork();
  }

  /** Goes on with the requests behind an answer that was held or waited for the client. */
  private resume(): void {
    this.waiting = false;
    if (this.done) return;
    this.socket.resume();
    this.serve();
  }

  /** Runs the idle clock of a connection with nothing to answer (once: activity restarts it by itself). */
  private idle(): void {
    if (this.clock) return;
    this.clock = true;
    this.socket.setTimeout(this.front.idleMs());
  }

  /**
   * Node's HTTP server takes the connection for good, from a request boundary: `request` (when a request
   * was taken off the pending bytes and then declined), the pending bytes, then what the socket still
   * buffers, in that order, before anything it reads next. `declined`: a lane already had the first one.
   */
  private handOff(request: Buffer | undefined, declined = false): void {
    const { socket } = this;
    this.finish();
    if (declined) this.front.declined.add(socket);
    let bytes = request && this.pending ? Buffer.concat([request, this.pending]) : (request ?? this.pending);
    this.pending = undefined;
    for (let more = socket.read() as Buffer | null; more !== null; more = socket.read() as Buffer | null)
      bytes = bytes ? Buffer.concat([bytes, more]) : more;
    socket.setTimeout(0); // Node's server sets its own
    this.front.handOff(socket);
    if (bytes && !socket.destroyed) socket.emit('data', bytes);
    socket.resume();
  }

  /** The front lets go of the connection (closed, closing or handed off). */
  private finish(): void {
    if (this.done) return;
    this.done = true;
    this.front.held.delete(this);
    const { socket } = this;
    socket.off('data', this.onData);
    socket.off('timeout', this.onTimeout);
    socket.off('end', this.onEnd);
    socket.off('close', this.onClose);
    // The 'error' listener stays: a socket the front ends or destroys may still report a reset.
  }
}

/** The head `make` serializes, or undefined for a header that cannot be written (as `writeHead` throws). */
function unlessInvalid<T>(make: () => T): T | undefined {
  try {
    return make();
  } catch {
    return undefined;
  }
}

/** `done` once: when the last buffer is written, or when the connection closes before that. */
function releaseOnce(socket: Socket, done: () => void): () => void {
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    socket.off('close', release);
    done();
  };
  socket.once('close', release);
  return release;
}

function noop(): void {
  // the error itself needs nothing: 'close' follows and ends the connection's state
}
