import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Global, Injectable, Module } from '@nestjs/common';
import { type LaneConnections, takeLaneConnections } from './lane-connections.js';

/**
 * What a lane reads of a request: a Node IncomingMessage, or a plain GET the connection front read itself
 * (lane-connections.ts). Header names are lower case.
 */
export interface LaneRequest {
  readonly url?: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly socket: { readonly remoteAddress?: string };
}

/**
 * A response a lane can give at once, written by the HTTP edge (which adds its own headers and counts it).
 * Headers are flat `[name, value, name, value, ...]` arrays a lane prepares once per kind of answer.
 */
export interface FastAnswer {
  /** The route pattern the framework's route for this request has: requests are counted under it. */
  readonly route: string;
  readonly status: number;
  readonly headers: readonly string[];
  /** The body, or buffers written in order (never joined). */
  readonly body: string | Buffer | readonly Buffer[];
  /** Its length in bytes (content-length). */
  readonly length: number;
  /** Called once the response is done with the body's buffers (sent, or the connection gone). */
  readonly done?: () => void;
}

/**
 * Answers a request from memory, or returns undefined to leave it to the framework's routes (which answer
 * everything a lane does, and the errors and rarer cases a lane leaves alone). A promise takes the request
 * (a held LL-HLS request): it resolves to the answer, whatever it is; if it rejects, the routes answer.
 */
export type FastLane = (request: LaneRequest) => FastAnswer | Promise<FastAnswer> | undefined;

/**
 * The lanes, by URL prefix: filled by the modules that own the routes, put in front of the framework by
 * the HTTP edge at start-up (installFastLanes).
 */
@Injectable()
export class FastLanes {
  private readonly lanes: Array<{ prefix: string; lane: FastLane }> = [];

  add(prefix: string, lane: FastLane): void {
    this.lanes.push({ prefix, lane });
  }

  /** The answer of the lane whose prefix the URL has, if it gives one. */
  answer(request: LaneRequest): FastAnswer | Promise<FastAnswer> | undefined {
    const url = request.url ?? '';
    for (const { prefix, lane } of this.lanes) if (url.startsWith(prefix)) return lane(request);
    return undefined;
  }
}

/** Global so a route module and the application's bootstrap share the one FastLanes. */
@Global()
@Module({ providers: [FastLanes], exports: [FastLanes] })
export class FastLanesModule {}

/** What the edge does for every answer a lane gives, as it does for the framework's responses. */
export interface FastLaneEdge {
  /** Headers every response carries (flat), after the lane's own. */
  readonly headers: readonly string[];
  /** While true (the server is shutting down) every request goes to the framework (it answers 503). */
  readonly closing: () => boolean;
  /** Counts an answered request as the framework's hooks count responses. */
  readonly answered: (method: string, route: string, status: number, seconds: number) => void;
}

/**
 * Puts `lanes` in front of the server's HTTP handling, at two places. Connections: a plain GET a lane
 * answers is read and answered on the socket (lane-connections.ts), with no parser, request or response
 * objects; the first request it does not answer hands the connection to Node's HTTP server for good.
 * Requests: on such connections, a request a lane answers still skips Fastify's routing, request and
 * reply objects and hooks. Either way a lane that throws (or whose promise rejects) leaves the request to
 * the framework. Lanes added later (module init) count. Returns the connections the front holds (the
 * edge drains them on shutdown).
 */
export function installFastLanes(server: Server, lanes: FastLanes, edge: FastLaneEdge): LaneConnections {
  const handlers = server.listeners('request') as Array<(request: IncomingMessage, response: ServerResponse) => void>;
  const framework = (request: IncomingMessage, response: ServerResponse) => {
    for (const handler of handlers) handler.call(server, request, response);
  };
  server.removeAllListeners('request');
  const connections = takeLaneConnections(server, (request) => laneAnswer(lanes, edge, request), edge);
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const started = performance.now();
    const asked = request.method === 'GET' && !connections.declinedFirst(request.socket);
    const answer = asked ? laneAnswer(lanes, edge, request) : undefined;
    if (!answer) return framework(request, response);
    if (!(answer instanceof Promise)) return answered(response, answer, started, edge);
    answer.then(
      (later) => answered(response, later, started, edge),
      () => framework(request, response),
    );
  });
  return connections;
}

/** A lane's answer to a GET, unless the server drains or the lane throws (then the framework answers). */
function laneAnswer(
  lanes: FastLanes,
  edge: FastLaneEdge,
  request: LaneRequest,
): FastAnswer | Promise<FastAnswer> | undefined {
  if (edge.closing()) return undefined;
  try {
    return lanes.answer(request);
  } catch {
    return undefined; // the framework's route answers (and reports) it
  }
}

function answered(response: ServerResponse, answer: FastAnswer, started: number, edge: FastLaneEdge): void {
  // A client gone while its request was held: nothing to write, the buffers are free at once.
  if (response.destroyed) return answer.done?.();
  write(response, answer, edge.headers);
  edge.answered('GET', answer.route, answer.status, (performance.now() - started) / 1000);
}

function write(response: ServerResponse, answer: FastAnswer, edgeHeaders: readonly string[]): void {
  const { body, done } = answer;
  if (done) response.once('close', done);
  const headers = [...answer.headers, ...edgeHeaders, 'content-length', String(answer.length)];
  response.writeHead(answer.status, headers);
  if (typeof body === 'string' || Buffer.isBuffer(body)) {
    response.end(body);
    return;
  }
  // Corked: the head and every buffer leave in one writev, never joined into a copy; end() uncorks.
  response.cork();
  for (const chunk of body) response.write(chunk);
  response.end();
}
