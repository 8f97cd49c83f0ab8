import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { UploadSpool } from './upload-spool.js';

describe('UploadSpool', () => {
  let dir: string;
  before(() => {
    dir = join(mkdtempSync(join(tmpdir(), 'rr-spool-unit-')), 'spool');
  });
  after(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

  it('keeps entries across reopening, oldest first, and counts their bytes against the bound', async () => {
    const spool = new UploadSpool(dir, 1000);
    const b = await spool.write('rec/b.m4s', 'video/iso.segment', 20, [Buffer.from('bb'), Buffer.from('b')]);
    const a = await spool.write('rec/a.m4s', 'video/iso.segment', 10, [Buffer.from('a')]);
    assert.ok(a && b);
    assert.equal(spool.bytes, a.diskBytes + b.diskBytes);
    assert.equal((await spool.read(b)).toString(), 'bbb');

    const reopened = new UploadSpool(dir, 1000);
    const entries = await reopened.open();
    assert.deepEqual(
      entries.map((entry) => [entry.key, entry.seq]),
      [
        ['rec/a.m4s', 10],
        ['rec/b.m4s', 20],
      ],
    );
    assert.equal(reopened.bytes, spool.bytes);
    assert.equal(
      await reopened.write('rec/big.m4s', 'video/mp4', 30, [Buffer.alloc(1000)]),
      undefined,
      'over the bound',
    );
    for (const entry of entries) await reopened.remove(entry);
    assert.equal(reopened.bytes, 0);
    assert.deepEqual(readdirSync(dir), []);
  });

  it('removes temp leftovers and damaged entries when it opens', async () => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, '~00000000000000001-aa.spool.tmp'), 'half written');
    writeFileSync(join(dir, '00000000000000002-bb.spool'), 'not a spool entry');
    const header = Buffer.from(JSON.stringify({ key: '../escape', contentType: 'x', seq: 3 }));
    const length = Buffer.alloc(4);
    length.writeUInt32BE(header.length);
    writeFileSync(join(dir, '00000000000000003-cc.spool'), Buffer.concat([Buffer.from('RRSPOOL1'), length, header]));
    const spool = new UploadSpool(dir, 1000);
    assert.deepEqual(await spool.open(), []);
    assert.equal(spool.bytes, 0);
    assert.deepEqual(readdirSync(dir), []);
  });
});
