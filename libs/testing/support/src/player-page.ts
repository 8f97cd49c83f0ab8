import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { listenOnFreePort } from './ports.js';

const require = createRequire(import.meta.url);

/**
 * The test player: hls.js from npm, attached to a muted autoplaying video, reporting what it sees in
 * `window.report` (times are `performance.now()` ms). Query: `src` (the playlist), `ll=0` (standard mode),
 * `rate=R` (hls.js maxLiveSyncPlaybackRate: catch up to the target latency), `worker=0` (hls.js enableWorker off),
 * `debug=1` (hls.js's log up to the first frame into `report.debugLog`), `sampleMs=N` (also sample `hls.latency` and the wall-clock latency against
 * EXT-X-PROGRAM-DATE-TIME every N ms after the first frame, into `report.samples`).
 */
const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>RapidRTMP test player</title>
<style>body{margin:0;background:#111}video{width:640px;height:360px;background:#000}</style></head>
<body><video id="v" muted autoplay playsinline></video>
<script src="/hls.js"></script>
<script>
  const params = new URLSearchParams(location.search);
  const video = document.getElementById('v');
  const report = { errors: [], fatal: [], waiting: [], levels: [], started: null, latencies: [],
    loadStartedAt: null, firstFrame: null, stalls: [], samples: [], startup: {}, startRequests: [], debugLog: [] };
  window.report = report;
  // debug=1: hls.js's own log lines up to the first frame, each with its time after loadSource (ms).
  const debugLine = (...args) => {
    if (report.firstFrame === null && report.debugLog.length < 400) {
      report.debugLog.push(Math.round(performance.now() - report.loadStartedAt) + ' ' + args.join(' ').slice(0, 300));
    }
  };
  const debugLogger = { debug: debugLine, log: debugLine, info: debugLine, warn: debugLine, error: debugLine };
  const hls = new Hls({
    debug: params.get('debug') === '1' ? debugLogger : false,
    enableWorker: params.get('worker') !== '0',
    lowLatencyMode: params.get('ll') !== '0',
    liveDurationInfinity: true,
    maxLiveSyncPlaybackRate: Number(params.get('rate')) || 1,
  });
  window.hls = hls;
  hls.on(Hls.Events.ERROR, (_e, data) => {
    const entry = { type: data.type, details: data.details, fatal: data.fatal, at: video.currentTime, reason: String(data.reason || (data.error && data.error.message) || '').slice(0, 6000) };
    report.errors.push(entry);
    if (data.fatal) report.fatal.push(entry);
  });
  hls.on(Hls.Events.MANIFEST_PARSED, (_e, data) => {
    report.levels = data.levels.map((l) => ({ videoCodec: l.videoCodec, audioCodec: l.audioCodec, width: l.width, height: l.height }));
  });
  // When each step of the start-up first happened (performance.now() ms), to see where time to first frame goes.
  const firstTime = (name) => { if (!(name in report.startup)) report.startup[name] = performance.now(); };
  hls.on(Hls.Events.MANIFEST_LOADED, () => firstTime('manifestLoaded'));
  hls.on(Hls.Events.LEVEL_LOADED, () => firstTime('levelLoaded'));
  hls.on(Hls.Events.FRAG_LOADING, (_e, data) => {
    if (data.frag.sn === 'initSegment') return;
    firstTime('mediaLoading');
    if (!('firstMedia' in report.startup)) report.startup.firstMedia = data.frag.sn + (data.part ? '.' + data.part.index : '');
  });
  hls.on(Hls.Events.FRAG_LOADED, (_e, data) => { if (data.frag.sn !== 'initSegment') firstTime('mediaLoaded'); });
  hls.on(Hls.Events.BUFFER_APPENDED, () => {
    firstTime('bufferAppended');
    // The first appends: when, and what the video then had (its position and buffered end, s).
    if (report.firstFrame === null && (report.startup.appends || '').split(' ').length < 6) {
      const b = video.buffered;
      const end = b.length ? b.end(b.length - 1).toFixed(2) : '-';
      report.startup.appends = ((report.startup.appends || '') + ' ' + Math.round(performance.now() - report.loadStartedAt) + 'ms@' + video.currentTime.toFixed(2) + '/' + end).trim();
    }
  });
  for (const name of ['loadedmetadata', 'loadeddata', 'seeking', 'seeked', 'canplay']) {
    video.addEventListener(name, () => firstTime(name));
  }
  const sampleMs = Number(params.get('sampleMs')) || 0;
  const firstFrame = () => {
    if (report.firstFrame !== null) return;
    report.firstFrame = performance.now();
    report.startRequests = performance.getEntriesByType('resource').slice(0, 12).map((r) => ({
      name: r.name.split('/').pop(), start: r.startTime, end: r.responseEnd }));
    if (sampleMs > 0) setInterval(() => report.samples.push({
      at: performance.now(),
      latency: hls.latency,
      wallLatencyMs: hls.playingDate ? Date.now() - hls.playingDate.getTime() : null,
    }), sampleMs);
  };
  video.addEventListener('playing', () => {
    if (report.started === null) report.started = performance.now();
    if (video.currentTime > 0) firstFrame();
    const stall = report.stalls[report.stalls.length - 1];
    if (stall && stall.end === null) stall.end = performance.now();
  });
  video.addEventListener('timeupdate', () => { if (video.currentTime > 0) firstFrame(); });
  video.addEventListener('waiting', () => {
    if (report.started !== null) report.waiting.push({ at: video.currentTime, wall: performance.now() });
    if (report.firstFrame !== null) report.stalls.push({ start: performance.now(), end: null });
  });
  setInterval(() => { if (hls.latency) report.latencies.push(hls.latency); }, 500);
  report.loadStartedAt = performance.now();
  hls.loadSource(params.get('src'));
  hls.attachMedia(video);
</script></body></html>`;

/** Serves the player page and hls.js on its own origin (so playback also exercises CORS). */
export async function startPlayerPageServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const hlsJs = readFileSync(require.resolve('hls.js/dist/hls.min.js'));
  const server: Server = createServer((req, res) => {
    if (req.url?.startsWith('/hls.js')) {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(hlsJs);
    } else {
      res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
    }
  });
  const port = await listenOnFreePort(server);
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
