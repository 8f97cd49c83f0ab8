/** What a test needs to know about a live media playlist at one moment. */
export interface LiveEdge {
  mediaSequence: number;
  /** Media sequence number of the last complete segment listed (`seg-<n>.m4s`). */
  lastSegment: number;
  /** URI of the init segment in force (the last EXT-X-MAP). */
  initUri: string | undefined;
  /** Segment URIs in playlist order. */
  segments: string[];
  ended: boolean;
  body: string;
}

async function get(url: string): Promise<{ status: number; body: string }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  return { status: response.status, body: await response.text() };
}

/** `/live/<playbackId>/index.m3u8`, or undefined while the server answers anything but 200. */
export async function fetchMultivariant(baseUrl: string, playbackId: string): Promise<string | undefined> {
  const response = await get(`${baseUrl}/live/${playbackId}/index.m3u8`);
  return response.status === 200 ? response.body : undefined;
}

/** The absolute URL of the (single) media playlist a multivariant playlist names. */
export function mediaPlaylistUrl(baseUrl: string, playbackId: string, multivariant: string): string {
  const uri = multivariant
    .trim()
    .split('\n')
    .find((line) => line !== '' && !line.startsWith('#'));
  if (!uri) throw new Error(`no media playlist URI in:\n${multivariant}`);
  return `${baseUrl}/live/${playbackId}/${uri}`;
}

export function parseMediaPlaylist(body: string): LiveEdge {
  const mediaSequence = Number(/^#EXT-X-MEDIA-SEQUENCE:(\d+)/m.exec(body)?.[1] ?? NaN);
  const segments = body.split('\n').filter((line) => /^seg-\d+\.m4s$/.test(line));
  const numbers = segments.map((uri) => Number(/^seg-(\d+)\.m4s$/.exec(uri)![1]));
  const maps = [...body.matchAll(/#EXT-X-MAP:URI="([^"]+)"/g)];
  return {
    mediaSequence,
    lastSegment: numbers.length ? Math.max(...numbers) : -1,
    initUri: maps.at(-1)?.[1],
    segments,
    ended: body.includes('#EXT-X-ENDLIST'),
    body,
  };
}

/** Fetches and parses a media playlist; undefined on any status but 200. */
export async function fetchLiveEdge(mediaUrl: string): Promise<LiveEdge | undefined> {
  const response = await get(mediaUrl);
  return response.status === 200 ? parseMediaPlaylist(response.body) : undefined;
}

/** Bytes of a resource next to the media playlist (init segment, segment). */
export async function fetchResource(mediaUrl: string, uri: string): Promise<Buffer> {
  const response = await fetch(new URL(uri, mediaUrl), { signal: AbortSignal.timeout(10_000) });
  if (response.status !== 200) throw new Error(`${uri} answered ${response.status}`);
  return Buffer.from(await response.arrayBuffer());
}

export interface LiveEdgeWatch {
  /** One entry per poll that answered 200. */
  samples: Array<{ at: number; mediaSequence: number; lastSegment: number; ended: boolean }>;
  /** Polls that failed (status or network error), with when and why. */
  failures: string[];
  stop(): Promise<void>;
}

/**
 * Polls a media playlist every `everyMs` in the background, the way a player would, recording the
 * live edge: lets a test show a stream kept advancing *while* something else happened.
 */
export function watchLiveEdge(mediaUrl: string, everyMs = 500): LiveEdgeWatch {
  const samples: LiveEdgeWatch['samples'] = [];
  const failures: string[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = Date.now();
      try {
        const edge = await fetchLiveEdge(mediaUrl);
        if (edge)
          samples.push({
            at: started,
            mediaSequence: edge.mediaSequence,
            lastSegment: edge.lastSegment,
            ended: edge.ended,
          });
        else failures.push(`${new Date(started).toISOString()}: not 200`);
      } catch (error) {
        failures.push(`${new Date(started).toISOString()}: ${String(error)}`);
      }
      await new Promise((r) => setTimeout(r, Math.max(0, everyMs - (Date.now() - started))));
    }
  })();
  return {
    samples,
    failures,
    stop: async () => {
      running = false;
      await loop;
    },
  };
}
