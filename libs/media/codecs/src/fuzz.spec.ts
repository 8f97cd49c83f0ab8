import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { MediaFormatError } from '@rapidrtmp/media-core';
import { parseAacConfig } from './aac-config.js';
import { parseAv1Config } from './av1-config.js';
import { readObus } from './av1-obu.js';
import { parseAvcConfig } from './avc-config.js';
import { parseHevcConfig } from './hevc-config.js';
import {
  annexBToLengthPrefixed,
  containsAvcIdr,
  containsHevcIrap,
  detectNalFraming,
  splitAnnexB,
  splitNalUnits,
} from './nal-units.js';
import { parseOpusConfig } from './opus-config.js';
import { fuzz } from './testing/fuzz.js';
import { parseVp9Config, readVp9KeyframeSize } from './vp9-config.js';

const fixtures = new URL('../fixtures/', import.meta.url);
const records = readdirSync(fixtures)
  .filter((name) => name.endsWith('.bin'))
  .map((name) => readFileSync(new URL(name, fixtures)));
const ascs = ['121056e500', '1190', '2b118800', '1390', 'f8cb8c400000', '1210'].map((hex) => Buffer.from(hex, 'hex'));

/** Every parser in the package, fed the same bytes: only MediaFormatError may escape. */
function everyParser(input: Buffer): void {
  const parsers = [
    parseAvcConfig,
    parseHevcConfig,
    parseAv1Config,
    parseVp9Config,
    parseAacConfig,
    parseOpusConfig,
    readObus,
    readVp9KeyframeSize,
    splitAnnexB,
    (b: Buffer) => annexBToLengthPrefixed(b, 2),
    (b: Buffer) => [detectNalFraming(b, 4), containsAvcIdr(b, 4), containsHevcIrap(b, 2), splitNalUnits(b, 1)],
  ];
  for (const parse of parsers) {
    try {
      parse(input);
    } catch (error) {
      if (!(error instanceof MediaFormatError)) throw error;
    }
  }
}

describe('codec parsers under fuzzing', () => {
  it('throw nothing but MediaFormatError on mutated config records (seeded, ~1.5 s)', () => {
    const { runs } = fuzz({
      seed: 0x5eed,
      corpus: [...records, ...ascs],
      budgetMs: 1500,
      maxRuns: 200_000,
      target: everyParser,
    });
    assert.ok(runs > 1000, `only ${runs} runs`);
  });
});
