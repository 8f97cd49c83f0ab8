// One contract, run against both stores. The GCS store runs through the real `@google-cloud/storage`
// client (8.4) against FakeGcsServer (src/testing/fake-gcs-server.ts): an in-memory node:http server on
// 127.0.0.1 speaking the part of the GCS JSON API the client uses (media/multipart upload, object GET with
// alt=media and Range, list, delete, bucket GET). No GCS emulator installs here (the Firebase one needs
// Java), and a real bucket is not available to CI.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, beforeEach, describe, it } from 'node:test';
import { GcsObjectStore } from './gcs-object-store.js';
import { LocalObjectStore } from './local-object-store.js';
import { readAll } from './object-body.js';
import type { ObjectStore } from './object-store.js';
import {
  InvalidObjectKeyError,
  InvalidRangeError,
  ObjectNotFoundError,
  StorageUnavailableError,
} from './storage-errors.js';
import { crc32c, FakeGcsServer } from './testing/fake-gcs-server.js';

interface Harness {
  store: ObjectStore;
  /** Removes every object (between tests). */
  clear(): Promise<void>;
  close(): Promise<void>;
}

const HARNESSES: Array<{ name: string; open: () => Promise<Harness> }> = [
  {
    name: 'LocalObjectStore',
    async open() {
      const root = mkdtempSync(join(tmpdir(), 'rr-storage-'));
      const media = join(root, 'media');
      return {
        store: new LocalObjectStore(media),
        clear: async () => rmSync(media, { recursive: true, force: true }),
        close: async () => rmSync(root, { recursive: true, force: true }),
      };
    },
  },
  {
    name: 'GcsObjectStore (real client, fake GCS server)',
    async open() {
      const fake = new FakeGcsServer(['media']);
      const apiEndpoint = await fake.start();
      return {
        store: new GcsObjectStore({ bucket: 'media', apiEndpoint, maxRetries: 0, operationTimeoutMs: 3000 }),
        clear: async () => fake.objects('media').clear(),
        close: () => fake.stop(),
      };
    },
  },
];

/** Keys that try to leave the store's namespace (or the local root) or break its rules. */
const HOSTILE_KEYS = [
  '../x',
  '/abs',
  'a/../b',
  '..',
  'a/./b',
  'a\0b',
  'a\\b',
  '../../etc/passwd',
  'a//b',
  '',
  'x'.repeat(600),
];

for (const { name, open } of HARNESSES) {
  describe(`ObjectStore contract: ${name}`, () => {
    let harness: Harness;
    let store: ObjectStore;

    before(async () => {
      harness = await open();
      store = harness.store;
    });
    beforeEach(() => harness.clear());
    after(() => harness.close());

    it('puts and gets a Buffer, a Buffer list, a stream and an empty object', async () => {
      await store.put('a/one.bin', Buffer.from('hello'));
      await store.put('a/two.bin', [Buffer.from('hel'), Buffer.alloc(0), Buffer.from('lo')]);
      await store.put('a/three.bin', Readable.from([Buffer.from('he'), Buffer.from('llo')]));
      await store.put('a/empty.bin', Buffer.alloc(0));
      for (const key of ['a/one.bin', 'a/two.bin', 'a/three.bin'])
        assert.equal((await store.get(key)).toString(), 'hello');
      assert.equal((await store.get('a/empty.bin')).length, 0);
    });

    it('replaces an object and changes its etag', async () => {
      await store.put('seg.m4s', Buffer.from('first'), { contentType: 'video/iso.segment' });
      const before = await store.head('seg.m4s');
      await store.put('seg.m4s', Buffer.from('second!'), { contentType: 'video/iso.segment' });
      const after = await store.head('seg.m4s');
      assert.equal((await store.get('seg.m4s')).toString(), 'second!');
      assert.equal(after?.size, 7);
      assert.notEqual(after?.etag, before?.etag);
    });

    it('heads an object: size, etag, content type, updated; undefined when missing', async () => {
      const startedAt = Date.now();
      await store.put('rec/index.m3u8', Buffer.from('#EXTM3U\n'), { contentType: 'application/vnd.apple.mpegurl' });
      await store.put('rec/init.mp4', Buffer.alloc(1234));
      const info = await store.head('rec/index.m3u8');
      assert.ok(info);
      assert.equal(info.size, 8);
      assert.equal(info.contentType, 'application/vnd.apple.mpegurl');
      assert.ok(info.etag.length > 0);
      assert.ok(Math.abs(info.updated.getTime() - startedAt) < 60_000, `updated ${info.updated.toISOString()}`);
      assert.equal((await store.head('rec/init.mp4'))?.contentType, 'video/mp4');
      assert.equal(await store.head('rec/missing.m4s'), undefined);
      assert.equal(await store.head('rec'), undefined); // a "folder" is not an object
    });

    it('reads inclusive byte ranges, clamped to the object', async () => {
      const data = Buffer.from('0123456789');
      await store.put('r.bin', data);
      assert.equal((await store.getRange('r.bin', 0, 0)).toString(), '0');
      assert.equal((await store.getRange('r.bin', 2, 5)).toString(), '2345');
      assert.equal((await store.getRange('r.bin', 7, 100)).toString(), '789');
      assert.equal((await store.getRange('r.bin', 10, 20)).length, 0);
      await assert.rejects(store.getRange('r.bin', 5, 4), InvalidRangeError);
      await assert.rejects(store.getRange('r.bin', -1, 4), InvalidRangeError);
    });

    it('streams a whole object or a range; a missing one rejects before streaming', async () => {
      const data = Buffer.alloc(300_000, 7);
      data.write('head', 0);
      data.write('tail', data.length - 4);
      await store.put('big.bin', data);
      assert.ok((await readAll(await store.createReadStream('big.bin'))).equals(data));
      assert.equal((await readAll(await store.createReadStream('big.bin', { start: 0, end: 3 }))).toString(), 'head');
      assert.equal(
        (
          await readAll(await store.createReadStream('big.bin', { start: data.length - 4, end: data.length + 10 }))
        ).toString(),
        'tail',
      );
      await assert.rejects(store.createReadStream('nope.bin'), ObjectNotFoundError);
    });

    it('throws ObjectNotFoundError naming the key for get, getRange and createReadStream', async () => {
      for (const read of [
        () => store.get('missing/x.m4s'),
        () => store.getRange('missing/x.m4s', 0, 10),
        () => store.createReadStream('missing/x.m4s', { start: 0, end: 1 }),
      ]) {
        await assert.rejects(
          read,
          (error: unknown) => error instanceof ObjectNotFoundError && error.key === 'missing/x.m4s',
        );
      }
    });

    it('lists keys under a prefix in byte order, with sizes', async () => {
      const keys = ['a/x', 'a-b/x', 'a.x', 'ab', 'a/b/c', 'a/b-c', 'b/x', 'a/A', 'a/_'];
      for (const key of keys) await store.put(key, Buffer.from(key));
      const all = await store.list('');
      assert.deepEqual(
        all.items.map((item) => item.key),
        [...keys].sort(),
      );
      assert.equal(all.nextPageToken, undefined);
      assert.deepEqual(
        all.items.find((item) => item.key === 'a/b/c'),
        { key: 'a/b/c', size: 5 },
      );
      assert.deepEqual(
        (await store.list('a/')).items.map((item) => item.key),
        ['a/A', 'a/_', 'a/b-c', 'a/b/c', 'a/x'],
      );
      // A plain string prefix, not a folder: `a/b` matches `a/b-c` and `a/b/c`.
      assert.deepEqual(
        (await store.list('a/b')).items.map((item) => item.key),
        ['a/b-c', 'a/b/c'],
      );
      assert.deepEqual(
        (await store.list('a')).items.map((item) => item.key),
        ['a-b/x', 'a.x', 'a/A', 'a/_', 'a/b-c', 'a/b/c', 'a/x', 'ab'],
      );
      assert.deepEqual(await store.list('zzz/'), { items: [] });
    });

    it('pages through a listing without gaps or repeats', async () => {
      const keys = Array.from({ length: 23 }, (_, i) => `p/${String(i % 5)}/seg-${String(i).padStart(3, '0')}.m4s`);
      for (const key of keys) await store.put(key, Buffer.from('x'));
      await store.put('q/outside', Buffer.from('x'));
      const seen: string[] = [];
      let pageToken: string | undefined;
      let pages = 0;
      do {
        const page = await store.list('p/', { limit: 4, pageToken });
        assert.ok(page.items.length <= 4);
        seen.push(...page.items.map((item) => item.key));
        pageToken = page.nextPageToken;
        pages += 1;
      } while (pageToken !== undefined && pages < 20);
      assert.deepEqual(seen, [...keys].sort());
      assert.equal(pages, 6);
    });

    it('deletes an object: true once, then false; reads then fail', async () => {
      await store.put('d/x.m4s', Buffer.from('x'));
      assert.equal(await store.delete('d/x.m4s'), true);
      assert.equal(await store.delete('d/x.m4s'), false);
      await assert.rejects(store.get('d/x.m4s'), ObjectNotFoundError);
      assert.deepEqual(await store.list('d/'), { items: [] });
    });

    it('deletes by prefix and returns the count', async () => {
      for (let i = 0; i < 12; i += 1) await store.put(`rec/1/s${i}.m4s`, Buffer.from('x'));
      await store.put('rec/10/keep.m4s', Buffer.from('keep'));
      await store.put('rec/2/keep.m4s', Buffer.from('keep'));
      assert.equal(await store.deleteByPrefix('rec/1/'), 12);
      assert.equal(await store.deleteByPrefix('rec/1/'), 0);
      assert.deepEqual(
        (await store.list('rec/')).items.map((item) => item.key),
        ['rec/10/keep.m4s', 'rec/2/keep.m4s'],
      );
      await assert.rejects(store.deleteByPrefix(''), InvalidObjectKeyError);
    });

    it('rejects keys that try to escape, with InvalidObjectKeyError, before any I/O', async () => {
      for (const key of HOSTILE_KEYS) {
        const label = JSON.stringify(key.slice(0, 20));
        await assert.rejects(store.put(key, Buffer.from('x')), InvalidObjectKeyError, `put ${label}`);
        await assert.rejects(store.get(key), InvalidObjectKeyError, `get ${label}`);
        await assert.rejects(store.getRange(key, 0, 1), InvalidObjectKeyError, `getRange ${label}`);
        await assert.rejects(store.createReadStream(key), InvalidObjectKeyError, `createReadStream ${label}`);
        await assert.rejects(store.head(key), InvalidObjectKeyError, `head ${label}`);
        await assert.rejects(store.delete(key), InvalidObjectKeyError, `delete ${label}`);
      }
      for (const prefix of ['../', '/', '/abs', 'a/../']) {
        await assert.rejects(store.list(prefix), InvalidObjectKeyError, `list ${prefix}`);
        await assert.rejects(store.deleteByPrefix(prefix), InvalidObjectKeyError, `deleteByPrefix ${prefix}`);
      }
      assert.deepEqual(await store.list(''), { items: [] });
    });

    it('ends concurrent puts of one key with one complete value, never a torn mix', async () => {
      const size = 256 * 1024;
      const values = Array.from({ length: 12 }, (_, i) => Buffer.alloc(size, 65 + i));
      const reads: Array<Promise<unknown>> = [];
      await Promise.all(
        values.map(async (value, i) => {
          // Buffer lists and streams too: the write path differs, the guarantee does not.
          const body =
            i % 3 === 0
              ? value
              : i % 3 === 1
                ? [value.subarray(0, 1000), value.subarray(1000)]
                : Readable.from([value]);
          await store.put('race/seg.m4s', body);
          reads.push(
            store.get('race/seg.m4s').then((read) => assert.ok(isOneValue(read, size), 'a read saw a torn value')),
          );
        }),
      );
      await Promise.all(reads);
      const final = await store.get('race/seg.m4s');
      assert.ok(isOneValue(final, size), 'the final value is one of the written ones');
      assert.deepEqual(
        (await store.list('race/')).items.map((item) => item.key),
        ['race/seg.m4s'],
      );
    });

    it('probes and verifies a usable store', async () => {
      await store.probe();
      await store.verify();
      assert.deepEqual(await store.list(''), { items: [] }); // verify cleans up after itself
    });
  });
}

function isOneValue(data: Buffer, size: number): boolean {
  return data.length === size && data.every((byte) => byte === data[0]);
}

describe('LocalObjectStore specifics', () => {
  let root: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'rr-local-'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('keeps files under the root, removes emptied folders and never lists temp files', async () => {
    const store = new LocalObjectStore(join(root, 'media'));
    await store.put('rec/1/a.m4s', Buffer.from('a'));
    writeFileSync(join(root, 'media', 'rec', '1', '~0123.tmp'), 'partial');
    writeFileSync(join(root, 'outside.txt'), 'secret');
    assert.deepEqual(
      (await store.list('')).items.map((item) => item.key),
      ['rec/1/a.m4s'],
    );
    await assert.rejects(store.get('../outside.txt'), InvalidObjectKeyError);
    assert.equal(await store.delete('rec/1/a.m4s'), true);
    assert.deepEqual(readdirSync(join(root, 'media', 'rec', '1')), ['~0123.tmp']);
    rmSync(join(root, 'media', 'rec', '1', '~0123.tmp'));
    await store.put('rec/2/b.m4s', Buffer.from('b'));
    await store.delete('rec/2/b.m4s');
    assert.deepEqual(readdirSync(join(root, 'media', 'rec')), ['1']);
  });

  it('refuses an object where a folder of objects is (and the reverse)', async () => {
    const store = new LocalObjectStore(join(root, 'media2'));
    await store.put('x/y', Buffer.from('y'));
    await assert.rejects(store.put('x', Buffer.from('x')), InvalidObjectKeyError);
    await assert.rejects(store.put('x/y/z', Buffer.from('z')), InvalidObjectKeyError);
    assert.equal((await store.get('x/y')).toString(), 'y');
  });

  it('reports an unwritable root as a misconfiguration naming DATA_DIR', async () => {
    writeFileSync(join(root, 'file'), 'not a folder');
    const store = new LocalObjectStore(join(root, 'file', 'media'));
    await assert.rejects(store.verify(), (error: unknown) => {
      assert.ok(error instanceof StorageUnavailableError);
      assert.match(error.message, /DATA_DIR\/media/);
      return true;
    });
  });
});

describe('GcsObjectStore specifics', () => {
  let fake: FakeGcsServer;
  let endpoint: string;
  before(async () => {
    fake = new FakeGcsServer(['media']);
    endpoint = await fake.start();
  });
  beforeEach(() => {
    fake.fault = 'none';
    fake.requests.length = 0;
  });
  after(() => fake.stop());

  it('uploads each object in one multipart request with its content type and checksum', async () => {
    const store = new GcsObjectStore({ bucket: 'media', apiEndpoint: endpoint, maxRetries: 0 });
    const data = Buffer.alloc(100_000, 3);
    await store.put('rec/seg-1.m4s', [data.subarray(0, 10), data.subarray(10)]);
    const uploads = fake.requests.filter((request) => request.method === 'POST');
    assert.equal(uploads.length, 1);
    assert.equal(uploads[0]!.query.uploadType, 'multipart');
    const stored = fake.objects('media').get('rec/seg-1.m4s');
    assert.ok(stored?.data.equals(data));
    assert.equal(stored?.contentType, 'video/iso.segment');
  });

  it('turns a 503 into StorageUnavailableError(unavailable) with the client error as cause', async () => {
    const store = new GcsObjectStore({ bucket: 'media', apiEndpoint: endpoint, maxRetries: 0 });
    fake.fault = 'unavailable';
    await assert.rejects(store.put('x', Buffer.from('x')), (error: unknown) => {
      assert.ok(error instanceof StorageUnavailableError);
      assert.equal(error.reason, 'unavailable');
      assert.ok(error.cause instanceof Error);
      return true;
    });
    await assert.rejects(store.probe(), StorageUnavailableError);
  });

  it('retries a 503 inside the client when asked to (uploads and reads)', async () => {
    const store = new GcsObjectStore({ bucket: 'media', apiEndpoint: endpoint, maxRetries: 2, maxRetryDelayMs: 1000 });
    fake.fault = 'unavailable';
    const recover = setTimeout(() => (fake.fault = 'none'), 50);
    try {
      await store.put('retried', [Buffer.from('re'), Buffer.from('tried')]);
      assert.ok(fake.requests.filter((request) => request.method === 'POST').length >= 2);
      assert.equal(fake.objects('media').get('retried')?.data.toString(), 'retried');
    } finally {
      clearTimeout(recover);
    }
  });

  it('bounds every operation when the server hangs', async () => {
    const store = new GcsObjectStore({
      bucket: 'media',
      apiEndpoint: endpoint,
      maxRetries: 0,
      operationTimeoutMs: 300,
    });
    fake.fault = 'hang';
    for (const call of [
      () => store.put('h', Buffer.from('x')),
      () => store.get('h'),
      () => store.createReadStream('h'),
      () => store.probe(),
    ]) {
      const started = Date.now();
      await assert.rejects(
        call,
        (error: unknown) => error instanceof StorageUnavailableError && error.reason === 'timeout',
      );
      assert.ok(Date.now() - started < 1500, `took ${Date.now() - started} ms`);
    }
  });

  it('fails verify with a message naming GCS_BUCKET when the bucket does not exist', async () => {
    const store = new GcsObjectStore({ bucket: 'no-such-bucket', apiEndpoint: endpoint, maxRetries: 0 });
    await assert.rejects(
      store.verify(),
      /GCS_BUCKET "no-such-bucket" is not usable: the bucket "no-such-bucket" does not exist/,
    );
  });

  it('the fake computes CRC-32C as GCS does', () => {
    // RFC 3720 B.4 check value of "123456789" is 0xE3069283.
    assert.equal(Buffer.from(crc32c(Buffer.from('123456789')), 'base64').toString('hex'), 'e3069283');
  });
});
