import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AmfEcmaArray,
  AmfError,
  AmfTypedObject,
  decodeAmf0,
  decodeAmf3,
  encodeAmf0,
  encodeAmf3,
  type AmfLimits,
} from './index.js';
import { SeededRandom } from '@rapidrtmp/media-core/testing';

const SEED = 0x5eed_a3f0;
const TIME_BUDGET_MS = 2_500;
const ITERATIONS = 10_000;

function corpus(): Buffer[] {
  const amf3Object = encodeAmf3({
    app: 'live',
    tcUrl: 'rtmp://h/live',
    list: [1, 'live', new Date(3)],
    ba: Buffer.of(1, 2),
  });
  return [
    encodeAmf0('connect', 1, { app: 'live', flashVer: 'FMLE/3.0', tcUrl: 'rtmp://127.0.0.1/live', objectEncoding: 0 }),
    encodeAmf0(
      '@setDataFrame',
      'onMetaData',
      AmfEcmaArray.from({ width: 320, height: 240, framerate: 30, encoder: 'Lavf59' }),
    ),
    encodeAmf0(
      '_result',
      1,
      { fmsVer: 'FMS/3,0,1,123', capabilities: 31 },
      { level: 'status', code: 'X', data: [1, [2, [3]]] },
    ),
    encodeAmf0('publish', 5, null, 'testkey?token=abc', 'live', new Date(0), new AmfTypedObject('T', { a: 'b' })),
    Buffer.concat([encodeAmf0('connect', 1), Buffer.of(0x11), amf3Object]),
    // sealed traits + trait reference, see amf3.spec.ts
    Buffer.from('0905010a2303500378037904010402 0a0104030404'.replace(/ /g, ''), 'hex'),
  ];
}

const INTERESTING = [0x00, 0x01, 0x02, 0x03, 0x05, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x11, 0x7f, 0x80, 0xff];

function mutate(random: SeededRandom, samples: Buffer[]): Buffer {
  let bytes = Buffer.from(random.pick(samples));
  const steps = random.int(1, 4);
  for (let step = 0; step < steps && bytes.length > 0; step++) {
    const at = random.int(0, bytes.length - 1);
    switch (random.int(0, 5)) {
      case 0: // bit flip
        bytes[at]! ^= 1 << random.int(0, 7);
        break;
      case 1: // interesting byte (markers, length extremes)
        bytes[at] = random.pick(INTERESTING);
        break;
      case 2: // truncation
        bytes = bytes.subarray(0, at);
        break;
      case 3: {
        // splice: our head + another sample's tail
        const other = random.pick(samples);
        bytes = Buffer.concat([bytes.subarray(0, at), other.subarray(random.int(0, other.length - 1))]);
        break;
      }
      case 4: // insertion of random bytes
        bytes = Buffer.concat([bytes.subarray(0, at), random.bytes(random.int(1, 8)), bytes.subarray(at)]);
        break;
      default: // length field blown up
        bytes.fill(0xff, at, Math.min(bytes.length, at + random.int(1, 4)));
    }
  }
  return bytes;
}

describe('AMF fuzz', () => {
  it(`throws nothing but AmfError on mutated encodings (seed ${SEED})`, () => {
    const random = new SeededRandom(SEED);
    const samples = corpus();
    const tight: Partial<AmfLimits> = {
      maxDepth: 4,
      maxEntries: 8,
      maxStringLength: 16,
      maxValues: 32,
      maxReferences: 4,
    };
    const started = performance.now();
    let iterations = 0;
    let errors = 0;
    while (iterations < 500 || (iterations < ITERATIONS && performance.now() - started < TIME_BUDGET_MS)) {
      const input = mutate(random, samples);
      for (const decode of [decodeAmf0, decodeAmf3]) {
        for (const limits of [undefined, tight]) {
          const begin = performance.now();
          try {
            decode(input, limits);
          } catch (error) {
            errors++;
            if (!(error instanceof AmfError)) {
              assert.fail(`iteration ${iterations}: ${String(error)} on ${input.toString('hex')}`);
            }
          }
          assert.ok(performance.now() - begin < 250, `iteration ${iterations} took too long`);
        }
      }
      iterations++;
    }
    assert.ok(iterations >= 500, `only ${iterations} iterations ran`);
    assert.ok(errors > 0);
  });
});
