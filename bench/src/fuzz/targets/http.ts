import { parseBlockingRequest, parseResourceName, parseSkipRequest } from '@rapidrtmp/hls';
import { parseByteRange, signPlaybackToken, verifyPlaybackToken } from '@rapidrtmp/server-delivery';
import type { SeededRandom } from '@rapidrtmp/media-core/testing';
import { corpusSeeds } from '../fuzz-corpus.js';
import { check, type FuzzTarget } from '../fuzz-target.js';

/** Bytes as the HTTP layer hands them over: UTF-8 (percent-decoded) or Latin-1 (raw header bytes). */
const text = (input: Buffer, random: SeededRandom) => input.toString(random.int(0, 1) ? 'utf8' : 'latin1');
const isCount = (n: number | undefined) => n === undefined || (Number.isSafeInteger(n) && n >= 0);
const neverThrows = () => false;

/**
 * The query as Fastify hands it to the playlist route: a key given twice is an array, so the parsers
 * see `string | string[] | undefined` at run time whatever the route's type says.
 */
function queryValue(params: URLSearchParams, key: string): string | undefined {
  const all = params.getAll(key);
  return (all.length > 1 ? all : all[0]) as string | undefined;
}

export const hlsQueryTarget: FuzzTarget = {
  name: 'hls-query',
  description: 'LL-HLS delivery directives _HLS_msn / _HLS_part / _HLS_skip from a mutated query string',
  maxInputBytes: 256,
  seeds: () => corpusSeeds('hls-query'),
  expected: neverThrows,
  run(input, random) {
    const params = new URLSearchParams(text(input, random));
    const blocking = parseBlockingRequest(queryValue(params, '_HLS_msn'), queryValue(params, '_HLS_part'));
    if (blocking.ok && blocking.request) {
      const { msn, part } = blocking.request;
      check(isCount(msn) && isCount(part), () => `msn ${msn} part ${part}`);
    }
    const skipValue = queryValue(params, '_HLS_skip');
    const skip = parseSkipRequest(skipValue);
    check(!skip.ok || !skip.skip || skipValue === 'YES' || skipValue === 'v2', () => `skip for ${String(skipValue)}`);
  },
};

export const hlsResourceNameTarget: FuzzTarget = {
  name: 'hls-resource-name',
  description: 'LL-HLS resource URL names (init-N.mp4, seg-N.m4s, part-N.I.m4s)',
  maxInputBytes: 128,
  seeds: () => corpusSeeds('hls-resource-name'),
  expected: neverThrows,
  run(input, random) {
    const parsed = parseResourceName(text(input, random));
    if (!parsed) return;
    const numbers =
      parsed.kind === 'part' ? [parsed.msn, parsed.index] : [parsed.kind === 'init' ? parsed.index : parsed.msn];
    check(numbers.every(isCount), () => `${JSON.stringify(parsed)}`);
  },
};

const SECRET = 'fuzz-secret';
const PLAYBACK_ID = 'pb_fuzz01';
const NOW = Date.UTC(2026, 11, 4);
const EXPIRY = new Date(NOW + 3_600_000);
const VALID_TOKEN = signPlaybackToken(SECRET, PLAYBACK_ID, EXPIRY);

export const playbackTokenTarget: FuzzTarget = {
  name: 'playback-token',
  description: 'signed playback token parsing and verification (`<expiry>.<base64url HMAC>`)',
  maxInputBytes: 256,
  seeds: () => [
    Buffer.from(VALID_TOKEN),
    Buffer.from(signPlaybackToken(SECRET, PLAYBACK_ID, new Date(NOW - 1000))),
    Buffer.from(signPlaybackToken('other', PLAYBACK_ID, EXPIRY)),
    ...corpusSeeds('playback-token'),
  ],
  expected: neverThrows,
  run(input, random) {
    const token = text(input, random);
    if (!verifyPlaybackToken(SECRET, PLAYBACK_ID, token, NOW)) return;
    // Accepted: the MAC must be the one we issued, for an expiry still in the future.
    const dot = token.indexOf('.');
    const expiry = Number(token.slice(0, dot));
    check(
      token.slice(dot + 1) === signPlaybackToken(SECRET, PLAYBACK_ID, new Date(expiry * 1000)).split('.')[1] &&
        expiry * 1000 > NOW,
      () => `accepted ${JSON.stringify(token)}`,
    );
  },
};

const SIZES = [0, 1, 2, 100, 65_536, 2 ** 32, Number.MAX_SAFE_INTEGER];

export const byteRangeTarget: FuzzTarget = {
  name: 'byte-range',
  description: 'HTTP Range header (RFC 9110 14.1.2) against bodies of 0 B to 2^53 B',
  maxInputBytes: 256,
  seeds: () => corpusSeeds('byte-range'),
  expected: neverThrows,
  run(input, random) {
    const header = text(input, random);
    const size = random.int(0, 3) === 0 ? random.int(0, 10_000) : random.pick(SIZES);
    const range = parseByteRange(random.int(0, 15) === 0 ? undefined : header, size);
    if (range.kind !== 'partial') return;
    const { start, end } = range;
    check(
      Number.isSafeInteger(start) && Number.isSafeInteger(end) && start >= 0 && start <= end && end < size,
      () => `${JSON.stringify(header)} on ${size} B -> ${start}-${end}`,
    );
  },
};
