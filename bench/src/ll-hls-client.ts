// An LL-HLS player in a benchmark process (node:http, no browser) and what groups of them record: every
// request outcome, each part received and when, and when each part's media ended on the origin's clock.
// Used by edge-fanout (one stream, N viewers through an edge and on the origin) and soak (many streams).
import { Agent, request as httpRequest } from 'node:http';
import {
  type BlockingRequest,
  lastListed,
  type MediaPlaylist,
  parseMediaPlaylist,
  parseMultivariantPlaylist,
  parseResourceName,
  segmentMsn,
} from '@rapidrtmp/hls';
import { sleep } from '@rapidrtmp/test-support';

/** Longer than anything may be held: a blocking reload or hinted part 3 target durations at A, 8 s at B. */
const REQUEST_TIMEOUT_MS = 10_000;
const BACKOFF_MS = 250;
/** Object requests one client has in flight at most (the hinted part, listed parts, init, join segment). */
export const MAX_OBJECTS_IN_FLIGHT = 4;
/** Listed parts a client that fell behind queues at most; older ones are skipped, as a player would. */
const MAX_QUEUED_OBJECTS = 12;
const EMPTY = Buffer.alloc(0);

export type Kind = 'multivariant' | 'playlist' | 'init' | 'segment' | 'part';

export interface Window {
  start: number;
  end: number;
}

export const inside = (at: number, window: Window) => at >= window.start && at <= window.end;

// ---- clients ---------------------------------------------------------------------------------------------

/** What one group of clients did: request outcomes, bytes, parts received, the distinct things asked. */
export class Recorder {
  /** `<kind> <status>` -> requests over the whole phase; status is the HTTP status, `timeout` or `error`. */
  readonly outcomes = new Map<string, number>();
  /** The measured window; requests answered inside it count in the rates. */
  readonly window: Window = { start: Infinity, end: Infinity };
  windowRequests = 0;
  windowBytes = 0;
  /** Parts received (every byte read): name, when, and whether the client asked for it on joining. */
  readonly receipts: Array<{ uri: string; at: number; backlog: boolean; client: number }> = [];
  /** `object <name>` and `reload <msn>.<part>` -> when a client of this group first asked. */
  readonly firstAsked = new Map<string, number>();
  /** Size of each object received (what an edge pulls and caches once). */
  readonly objectBytes = new Map<string, number>();
  /** Listed parts dropped from a full queue (a client that fell behind). */
  skipped = 0;

  /** `reload <msn>.<part>` -> when a client of this group first had the answer. */
  readonly firstAnswered = new Map<string, number>();
  /** Blocking reloads asked (inside the window) after another client already had that answer, and how late. */
  readonly lateReloads: number[] = [];

  asked(key: string, at: number): void {
    if (!this.firstAsked.has(key)) this.firstAsked.set(key, at);
    const answered = this.firstAnswered.get(key);
    if (answered !== undefined && inside(at, this.window)) this.lateReloads.push(at - answered);
  }

  answered(kind: Kind, status: string, bytes: number, at: number): void {
    const key = `${kind} ${status}`;
    this.outcomes.set(key, (this.outcomes.get(key) ?? 0) + 1);
    if (inside(at, this.window)) {
      this.windowRequests++;
      this.windowBytes += bytes;
    }
  }

  /** Distinct objects or blocking reloads (`prefix`) first asked inside the window. */
  distinctAsked(prefix: 'object' | 'reload'): number {
    let count = 0;
    for (const [key, at] of this.firstAsked) if (key.startsWith(prefix) && inside(at, this.window)) count++;
    return count;
  }

  /** Bytes of the distinct objects first asked inside the window. */
  distinctObjectBytes(): number {
    let bytes = 0;
    for (const [uri, size] of this.objectBytes) {
      const at = this.firstAsked.get(`object ${uri}`);
      if (at !== undefined && inside(at, this.window)) bytes += size;
    }
    return bytes;
  }

  /** Answers other than 200, as `kind status: count`. */
  failures(): string {
    const failed = [...this.outcomes].filter(([key]) => !key.endsWith(' 200'));
    return failed.length === 0 ? 'none' : failed.map(([key, count]) => `${key}: ${count}`).join(', ');
  }
}

/**
 * When each part's media ends on the origin's wall clock: its segment's EXT-X-PROGRAM-DATE-TIME (wall clock
 * at the first keyframe's arrival + media time) plus the durations of the parts up to and including it.
 * Learned from every playlist any client reads (A's and B's are the same text).
 */
export class PartClock {
  private readonly ends = new Map<string, number>();

  learn(playlist: MediaPlaylist): void {
    for (const entry of playlist.segments) this.learnEntry(entry.programDateTime, entry.parts);
    if (playlist.partialSegment)
      this.learnEntry(playlist.partialSegment.programDateTime, playlist.partialSegment.parts);
  }

  end(uri: string): number | undefined {
    return this.ends.get(uri);
  }

  /** Parts whose end + `offset` falls inside the window. */
  countIn(window: Window, offset: number): number {
    let count = 0;
    for (const end of this.ends.values()) if (inside(end + offset, window)) count++;
    return count;
  }

  private learnEntry(pdt: number | undefined, parts: Array<{ uri: string; duration: number }> | undefined): void {
    if (pdt === undefined || !parts) return;
    let end = pdt;
    for (const part of parts) {
      end += part.duration * 1000;
      if (!this.ends.has(part.uri)) this.ends.set(part.uri, end);
    }
  }
}

interface Position {
  msn: number;
  index: number;
}

const isAfter = (a: Position, b: Position | undefined) =>
  b === undefined || a.msn > b.msn || (a.msn === b.msn && a.index > b.index);

/** The position of a part name (`part-<msn>.<index>.m4s`), from the project's resource-name parser. */
export function partPosition(uri: string): Position | undefined {
  const name = parseResourceName(uri);
  return name?.kind === 'part' ? { msn: name.msn, index: name.index } : undefined;
}

/**
 * One low-latency player, the way hls.js runs in lowLatencyMode: the multivariant playlist, a plain media
 * playlist, the init segment, then blocking reloads (`_HLS_msn`/`_HLS_part` of the next part) in a loop.
 * On joining it loads the newest complete segment and the parts of the one in progress (its backlog); after
 * that, every part the playlist lists that it has not asked for, and the preload-hinted part at once (the
 * server holds that request until the part exists), alongside the next blocking reload. Its own keep-alive
 * connections; at most MAX_OBJECTS_IN_FLIGHT objects + one playlist in flight.
 */
export class LlHlsClient {
  private media: string | undefined;
  /** The newest part asked for. */
  private cursor: Position | undefined;
  private init: string | undefined;
  private inFlight = 0;
  private readonly queue: Array<{ uri: string; kind: Kind; backlog: boolean }> = [];
  /** A player's own connections: one for the playlist loop, the others for objects, kept alive. */
  private readonly agent = new Agent({ keepAlive: true, maxSockets: MAX_OBJECTS_IN_FLIGHT + 1 });
  private readonly headers: Record<string, string>;

  constructor(
    private readonly baseUrl: string,
    private readonly playbackId: string,
    userAgent: string,
    private readonly recorder: Recorder,
    private readonly clock: PartClock,
    private readonly stop: AbortSignal,
    /** Each blocking reload waits a random 0..this many ms, as viewers at various distances would. */
    private readonly reloadJitterMs = 0,
    /** Which client this is, in its receipts (per-viewer continuity). */
    private readonly clientId = 0,
  ) {
    this.headers = { 'user-agent': userAgent };
  }

  async run(deadline: number): Promise<void> {
    // Stopping closes this client's connections, which ends whatever it has in flight.
    const close = () => this.agent.destroy();
    this.stop.addEventListener('abort', close, { once: true });
    try {
      await this.follow(deadline);
    } finally {
      this.stop.removeEventListener('abort', close);
      this.agent.destroy();
    }
  }

  private async follow(deadline: number): Promise<void> {
    let directive: BlockingRequest | undefined;
    // Bounded in time and count: at least 50 ms per round on average (2 blocking reloads/s are expected).
    const rounds = Math.ceil((deadline - Date.now()) / 50);
    for (let round = 0; round < rounds && !this.stop.aborted && Date.now() < deadline; round++) {
      this.media ??= await this.mediaUrl();
      if (!this.media) {
        await sleep(BACKOFF_MS);
        continue;
      }
      const query = directive ? `?_HLS_msn=${directive.msn}&_HLS_part=${directive.part}` : '';
      const answer = await this.get(
        this.media + query,
        'playlist',
        directive && `reload ${directive.msn}.${directive.part}`,
      );
      directive = undefined;
      if (answer.status !== 200) {
        if (answer.status === 404) this.media = undefined; // the stream instance is gone: join again
        if (!this.stop.aborted) await sleep(BACKOFF_MS);
        continue;
      }
      let playlist: MediaPlaylist;
      try {
        playlist = parseMediaPlaylist(answer.body);
      } catch {
        this.recorder.answered('playlist', 'unparsable', 0, answer.at);
        await sleep(BACKOFF_MS);
        continue;
      }
      this.clock.learn(playlist);
      if (playlist.endList) return;
      directive = this.next(playlist);
      // A viewer further away asks later (0 by default: every client on loopback).
      if (this.reloadJitterMs > 0) await sleep(Math.random() * this.reloadJitterMs);
    }
  }

  /** Asks for what the playlist has that this client has not; returns the next blocking reload. */
  private next(playlist: MediaPlaylist): BlockingRequest | undefined {
    const entries = playlist.partialSegment ? [...playlist.segments, playlist.partialSegment] : playlist.segments;
    let map: string | undefined;
    for (const entry of entries) map = entry.map?.uri ?? map;
    if (map !== undefined && map !== this.init) {
      this.init = map;
      this.load(map, 'init', true);
    }
    const last = lastListed(playlist);
    if (!this.cursor) {
      // Joining at the live edge: the newest complete segment, then the parts of the one in progress.
      const newest = playlist.segments[playlist.segments.length - 1];
      if (newest) this.load(newest.uri, 'segment', true);
      for (const part of playlist.partialSegment?.parts ?? []) this.load(part.uri, 'part', true);
      if (last) this.cursor = { msn: last.msn, index: last.part ?? Number.MAX_SAFE_INTEGER };
    } else {
      for (let i = 0; i < entries.length; i++) {
        const parts = entries[i]!.parts;
        if (!parts || segmentMsn(playlist, i) < this.cursor.msn) continue;
        for (const part of parts) {
          const position = partPosition(part.uri);
          if (!position || !isAfter(position, this.cursor) || part.gap) continue;
          this.load(part.uri, 'part', false);
          this.cursor = position;
        }
      }
    }
    const hint = playlist.preloadHints?.find((h) => h.type === 'PART');
    const hinted = hint && partPosition(hint.uri);
    if (hint && hinted) {
      if (isAfter(hinted, this.cursor)) {
        this.load(hint.uri, 'part', false);
        this.cursor = hinted;
      }
      return { msn: hinted.msn, part: hinted.index };
    }
    return last && { msn: last.msn, part: (last.part ?? -1) + 1 };
  }

  /** Starts a GET of an object, or queues it when MAX_OBJECTS_IN_FLIGHT are out (dropping the oldest). */
  private load(uri: string, kind: Kind, backlog: boolean): void {
    if (this.stop.aborted) return;
    if (this.inFlight >= MAX_OBJECTS_IN_FLIGHT) {
      this.queue.push({ uri, kind, backlog });
      if (this.queue.length > MAX_QUEUED_OBJECTS) {
        this.queue.shift();
        this.recorder.skipped++;
      }
      return;
    }
    this.inFlight++;
    void this.get(new URL(uri, this.media).href, kind, `object ${uri}`).then((answer) => {
      this.inFlight--;
      if (answer.status === 200) {
        this.recorder.objectBytes.set(uri, answer.bytes);
        if (kind === 'part') this.recorder.receipts.push({ uri, at: answer.at, backlog, client: this.clientId });
      }
      const next = this.queue.shift();
      if (next) this.load(next.uri, next.kind, next.backlog);
    });
  }

  private async mediaUrl(): Promise<string | undefined> {
    const url = `${this.baseUrl}/live/${this.playbackId}/index.m3u8`;
    const answer = await this.get(url, 'multivariant');
    if (answer.status !== 200) return undefined;
    try {
      return new URL(parseMultivariantPlaylist(answer.body).variants[0]!.uri, url).href;
    } catch {
      this.recorder.answered('multivariant', 'unparsable', 0, answer.at);
      return undefined;
    }
  }

  /** One GET, its whole body read; counted by status (`timeout`, `error`; not once the phase stopped). */
  private async get(
    url: string,
    kind: Kind,
    asked?: string,
  ): Promise<{ status: number | string; body: Buffer; bytes: number; at: number }> {
    if (asked) this.recorder.asked(asked, Date.now());
    try {
      // Objects are counted, not kept: only playlists are read.
      const keepBody = kind === 'playlist' || kind === 'multivariant';
      const { status, body, bytes } = await httpGet(url, this.agent, this.headers, keepBody);
      const at = Date.now();
      this.recorder.answered(kind, String(status), bytes, at);
      if (asked?.startsWith('reload') && status === 200 && !this.recorder.firstAnswered.has(asked))
        this.recorder.firstAnswered.set(asked, at);
      return { status, body: body ?? EMPTY, bytes, at };
    } catch (error) {
      const at = Date.now();
      const status = error instanceof RequestTimeout ? 'timeout' : 'error';
      if (!this.stop.aborted) this.recorder.answered(kind, status, 0, at);
      return { status, body: EMPTY, bytes: 0, at };
    }
  }
}

class RequestTimeout extends Error {}

/**
 * A GET with node:http on a keep-alive agent, bounded by REQUEST_TIMEOUT_MS without an answer; destroying
 * the agent ends it. Not fetch, and no AbortSignal per request: on this 2-core machine fetch cost about
 * three times the CPU per request (WHATWG streams), and per-request signals added GC work, CPU taken from
 * the two servers being measured and delay added to every receipt.
 */
function httpGet(
  url: string,
  agent: Agent,
  headers: Record<string, string>,
  keepBody: boolean,
): Promise<{ status: number; body: Buffer | undefined; bytes: number }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { agent, headers }, (response) => {
      const chunks: Buffer[] = [];
      let bytes = 0;
      response.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (keepBody) chunks.push(chunk);
      });
      response.once('end', () => {
        const body = keepBody ? (chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)) : undefined;
        resolve({ status: response.statusCode ?? 0, body, bytes });
      });
      response.once('error', reject);
      response.once('close', () => {
        if (!response.complete) reject(new Error('connection closed before the end of the answer'));
      });
    });
    request.setTimeout(REQUEST_TIMEOUT_MS, () => request.destroy(new RequestTimeout('no answer in time')));
    request.once('error', reject);
    request.end();
  });
}

/** N clients of `baseUrl`, joining over `rampSeconds`; resolves when they have all stopped. */
export function startClients(
  count: number,
  baseUrl: string,
  playbackId: string,
  recorder: Recorder,
  clock: PartClock,
  stop: AbortSignal,
  deadline: number,
  options: { rampSeconds: number; reloadJitterMs: number; name: string },
): Promise<void> {
  const clients = Array.from({ length: count }, async (_, i) => {
    await sleep((i * options.rampSeconds * 1000) / count);
    const client = new LlHlsClient(
      baseUrl,
      playbackId,
      `${options.name} client ${i}`,
      recorder,
      clock,
      stop,
      options.reloadJitterMs,
      i,
    );
    await client.run(deadline);
  });
  return Promise.all(clients).then(() => undefined);
}
