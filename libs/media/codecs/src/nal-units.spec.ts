import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MediaFormatError } from '@rapidrtmp/media-core';
import {
  annexBToLengthPrefixed,
  containsAvcIdr,
  containsHevcIrap,
  detectNalFraming,
  isLengthPrefixed,
  splitAnnexB,
  splitNalUnits,
} from './nal-units.js';

const prefixed = (units: number[][], size = 4): Buffer =>
  Buffer.concat(
    units.map((u) =>
      Buffer.concat([Buffer.from(u.length.toString(16).padStart(size * 2, '0'), 'hex'), Buffer.from(u)]),
    ),
  );

describe('length-prefixed NAL units', () => {
  it('splits into views of the payload, honouring the length size and skipping empty units', () => {
    for (const size of [1, 2, 4]) {
      const payload = prefixed([[0x09, 0xf0], [], [0x65, 1, 2, 3]], size);
      const units = splitNalUnits(payload, size);
      assert.deepEqual(
        units.map((u) => [...u]),
        [
          [0x09, 0xf0],
          [0x65, 1, 2, 3],
        ],
      );
      assert.equal(units[0]!.buffer, payload.buffer);
      assert.equal(isLengthPrefixed(payload, size), true);
    }
  });

  it('rejects a length that overruns the payload', () => {
    const payload = Buffer.from([0, 0, 0, 9, 0x65, 1]);
    assert.throws(
      () => splitNalUnits(payload, 4),
      (e) => e instanceof MediaFormatError && e.code === 'nal-length-invalid',
    );
    assert.equal(isLengthPrefixed(payload, 4), false);
  });

  it('finds AVC IDR slices and HEVC IRAP pictures (IDR, CRA, BLA) but not other slices', () => {
    assert.equal(
      containsAvcIdr(
        prefixed([
          [0x09, 0xf0],
          [0x06, 5],
          [0x65, 0x88],
        ]),
        4,
      ),
      true,
    );
    assert.equal(
      containsAvcIdr(
        prefixed([
          [0x09, 0xf0],
          [0x41, 0x9a],
        ]),
        4,
      ),
      false,
    );
    const hevc = (type: number): Buffer =>
      prefixed([
        [0x46, 0x01],
        [type << 1, 0x01, 0xaf],
      ]);
    for (const type of [16, 19, 20, 21]) assert.equal(containsHevcIrap(hevc(type), 4), true, `type ${type}`);
    for (const type of [0, 1, 9]) assert.equal(containsHevcIrap(hevc(type), 4), false, `type ${type}`);
  });
});

describe('Annex-B', () => {
  const annexB = Buffer.from([0, 0, 0, 1, 0x67, 1, 2, 0, 0, 1, 0x68, 3, 0, 0, 0, 0, 1, 0x65, 4, 0, 0, 3, 0]);

  it('splits at 3- and 4-byte start codes, dropping trailing zeros', () => {
    assert.deepEqual(
      splitAnnexB(annexB).map((u) => [...u]),
      [
        [0x67, 1, 2],
        [0x68, 3],
        [0x65, 4, 0, 0, 3],
      ],
    );
  });

  it('tells Annex-B from a 4-byte length of 256..511, which also starts with 00 00 01', () => {
    const big = prefixed([[0x65, ...new Array(299).fill(7)]]);
    assert.equal(big.subarray(0, 3).toString('hex'), '000001');
    assert.equal(detectNalFraming(big, 4), 'length-prefixed');
    assert.equal(detectNalFraming(annexB, 4), 'annex-b');
    assert.equal(detectNalFraming(Buffer.from([1, 2, 3]), 4), 'invalid');
  });

  it('converts to length-prefixed in one buffer, with the requested length size', () => {
    assert.deepEqual(
      splitNalUnits(annexBToLengthPrefixed(annexB, 4), 4).map((u) => [...u]),
      splitAnnexB(annexB).map((u) => [...u]),
    );
    assert.equal(annexBToLengthPrefixed(annexB, 2).length, 3 * 2 + 3 + 2 + 5);
    const long = Buffer.concat([Buffer.from([0, 0, 1]), Buffer.alloc(300, 0x41)]);
    assert.throws(
      () => annexBToLengthPrefixed(long, 1),
      (e) => e instanceof MediaFormatError && e.code === 'nal-too-long',
    );
  });
});
