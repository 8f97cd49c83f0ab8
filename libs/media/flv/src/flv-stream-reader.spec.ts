import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { MediaFormatError } from '@rapidrtmp/media-core';
import { FlvStreamReader, readFlvFile } from './flv-file-reader.js';

const fixture = (name: string): Buffer => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));
const code = (expected: string) => (e: unknown) => e instanceof MediaFormatError && e.code === expected;

describe('FlvStreamReader', () => {
  it('reads the same tags as the file reader whatever the read sizes, bodies byte for byte', () => {
    const file = fixture('h264-high-bframes-aac.flv');
    const expected = readFlvFile(file).tags;
    for (const step of [1, 7, 11, 13, 100, 4096, 65536, file.length]) {
      const reader = new FlvStreamReader();
      const tags = [];
      for (let at = 0; at < file.length; at += step) tags.push(...reader.push(file.subarray(at, at + step)));
      assert.equal(tags.length, expected.length, `step ${step}`);
      tags.forEach((tag, i) => {
        const want = expected[i]!;
        assert.deepEqual([tag.type, tag.timestamp, tag.offset], [want.type, want.timestamp, want.offset]);
        assert.ok(tag.body.equals(want.body), `step ${step} tag ${i}`);
      });
      assert.equal(reader.bufferedBytes, 0);
      assert.deepEqual(reader.header, { version: 1, hasAudio: true, hasVideo: true, dataOffset: 9 });
    }
  });

  it('joins a tag split across reads once, and keeps whole-read tags as views', () => {
    const file = fixture('aac-only.flv');
    const reader = new FlvStreamReader();
    const [first] = reader.push(file);
    assert.equal(first?.body.buffer, file.buffer, 'a tag inside one read is a view of it');
  });

  it('refuses oversized, encrypted and inconsistent tags with typed errors', () => {
    const header = Buffer.from('464c560105000000090000000000', 'hex').subarray(0, 13);
    const tag = (type: number, size: number, previous = size + 11) =>
      Buffer.concat([
        Buffer.from([type, size >> 16, (size >> 8) & 0xff, size & 0xff, 0, 0, 0, 0, 0, 0, 0]),
        Buffer.alloc(size),
        Buffer.from([previous >> 24, (previous >> 16) & 0xff, (previous >> 8) & 0xff, previous & 0xff]),
      ]);
    assert.throws(
      () => new FlvStreamReader(1000).push(Buffer.concat([header, tag(9, 2000)])),
      code('flv-tag-too-large'),
    );
    assert.throws(() => new FlvStreamReader().push(Buffer.concat([header, tag(0x29, 5)])), code('flv-file-filtered'));
    assert.throws(() => new FlvStreamReader().push(Buffer.concat([header, tag(9, 5, 99)])), code('flv-file-tag-size'));
    assert.throws(() => new FlvStreamReader().push(Buffer.from('GIF89a-not-flv')), code('flv-file-signature'));
    // The size is checked from the tag header alone: nothing of a huge tag is buffered first.
    const reader = new FlvStreamReader(1000);
    assert.throws(() => reader.push(Buffer.concat([header, tag(9, 5000).subarray(0, 20)])), code('flv-tag-too-large'));
  });
});
