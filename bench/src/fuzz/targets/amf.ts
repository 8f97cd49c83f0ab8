import {
  AmfEcmaArray,
  AmfError,
  AmfTypedObject,
  decodeAmf0,
  decodeAmf3,
  encodeAmf0,
  encodeAmf3,
  type AmfLimits,
  type AmfValue,
} from '@rapidrtmp/amf';
import { corpusSeeds, mediaFixture } from '../fuzz-corpus.js';
import type { FuzzTarget } from '../fuzz-target.js';
import { readFlvFile } from '@rapidrtmp/flv';

/** Tight bounds half the time, so the limit checks themselves are fuzzed as well as the defaults. */
const TIGHT: Partial<AmfLimits> = { maxDepth: 4, maxEntries: 8, maxStringLength: 16, maxValues: 32, maxReferences: 4 };

/** Real AMF0 from the repo: the script tags (onMetaData) of the FLV fixtures. */
function fixtureScriptBodies(): Buffer[] {
  return ['h264-high-bframes-aac.flv', 'aac-only.flv']
    .flatMap((name) => readFlvFile(mediaFixture('flv', name)).tags)
    .filter((tag) => tag.type === 18)
    .map((tag) => tag.body);
}

function amf0Seeds(): Buffer[] {
  return [
    ...fixtureScriptBodies(),
    encodeAmf0('connect', 1, { app: 'live', flashVer: 'FMLE/3.0', tcUrl: 'rtmp://127.0.0.1/live', objectEncoding: 0 }),
    encodeAmf0('@setDataFrame', 'onMetaData', AmfEcmaArray.from({ width: 320, height: 240, framerate: 30 })),
    encodeAmf0('publish', 5, null, 'key?token=abc', 'live', new Date(0), new AmfTypedObject('T', { a: 'b' })),
    encodeAmf0('_result', 1, { fmsVer: 'FMS/3,0,1,123' }, { level: 'status', code: 'X', data: [1, [2, [3]]] }),
    ...corpusSeeds('amf0'),
  ];
}

function amf3Seeds(): Buffer[] {
  return [
    encodeAmf3({ app: 'live', tcUrl: 'rtmp://h/live', list: [1, 'live', new Date(3)], ba: Buffer.of(1, 2) }),
    encodeAmf3(new AmfTypedObject('flex.T', { a: 1, b: 'x', c: [true, false, null] })),
    encodeAmf3(AmfEcmaArray.from({ width: 1280, height: 720, encoder: 'obs' })),
    ...corpusSeeds('amf3'),
  ];
}

/** Decodes; what decoded must encode again (the session re-encodes values it echoes) and decode again. */
function roundTrip(
  input: Buffer,
  limits: Partial<AmfLimits> | undefined,
  decode: (b: Buffer, l?: Partial<AmfLimits>) => AmfValue[],
  encode: (...values: AmfValue[]) => Buffer,
): void {
  const values = decode(input, limits);
  decode(encode(...values));
}

export const amf0Target: FuzzTarget = {
  name: 'amf0',
  description: 'AMF0 decoder (commands, onMetaData), default and tight limits, re-encode of what decoded',
  maxInputBytes: 4096,
  seeds: amf0Seeds,
  expected: (error) => error instanceof AmfError,
  run: (input, random) => roundTrip(input, random.int(0, 1) ? TIGHT : undefined, decodeAmf0, encodeAmf0),
};

export const amf3Target: FuzzTarget = {
  name: 'amf3',
  description: 'AMF3 decoder (references, traits, byte arrays), default and tight limits, re-encode',
  maxInputBytes: 4096,
  seeds: amf3Seeds,
  expected: (error) => error instanceof AmfError,
  run: (input, random) => roundTrip(input, random.int(0, 1) ? TIGHT : undefined, decodeAmf3, encodeAmf3),
};
