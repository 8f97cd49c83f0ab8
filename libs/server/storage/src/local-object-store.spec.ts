// The folder memo of LocalObjectStore (puts skip mkdir for folders it knows), adopting files by a link, the
// fsync setting, and that choosing local storage never loads the Google client. The behaviour every store
// shares is in object-store.contract.spec.ts.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { loadConfig } from '@rapidrtmp/server-config';
import { createObjectStore } from './create-object-store.js';
import { LocalObjectStore } from './local-object-store.js';
import { InvalidObjectKeyError, StorageUnavailableError } from './storage-errors.js';

const run = promisify(execFile);

describe('LocalObjectStore known folders', () => {
  let root: string;
  let n = 0;
  /** A store on a fresh media folder, and that folder. */
  const fresh = (knownFolderLimit?: number) => {
    const media = join(root, `media${(n += 1)}`);
    return { store: new LocalObjectStore(media, { fsync: false, knownFolderLimit }), media };
  };
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'rr-local-folders-'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('puts into a folder again after a delete emptied and removed it', async () => {
    const { store, media } = fresh();
    await store.put('rec/1/a.m4s', Buffer.from('a'));
    assert.equal(await store.delete('rec/1/a.m4s'), true);
    assert.equal(existsSync(join(media, 'rec')), false, 'the emptied folders are gone');
    await store.put('rec/1/b.m4s', Buffer.from('b'));
    assert.equal((await store.get('rec/1/b.m4s')).toString(), 'b');
    await store.deleteByPrefix('rec/');
    await store.put('rec/1/c.m4s', Buffer.from('c'));
    assert.equal((await store.get('rec/1/c.m4s')).toString(), 'c');
  });

  it('puts into a folder another process removed behind its back', async () => {
    const { store, media } = fresh();
    await store.put('rec/2/a.m4s', Buffer.from('a'));
    rmSync(join(media, 'rec', '2'), { recursive: true });
    await store.put('rec/2/b.m4s', Buffer.from('b'));
    assert.equal((await store.get('rec/2/b.m4s')).toString(), 'b');
    rmSync(media, { recursive: true }); // the whole tree, root included
    await store.put('rec/2/c.m4s', Buffer.from('c'));
    assert.equal((await store.get('rec/2/c.m4s')).toString(), 'c');
    assert.equal(await store.head('rec/2/b.m4s'), undefined);
  });

  it('keeps puts and deletes racing in one folder correct', async () => {
    const { store } = fresh();
    for (let round = 0; round < 20; round += 1) {
      await store.put('rec/3/a.m4s', Buffer.from('a'));
      // The delete may prune the folder between the put's folder check and its open.
      await Promise.all([store.delete('rec/3/a.m4s'), store.put('rec/3/b.m4s', Buffer.from(`b${round}`))]);
      assert.equal((await store.get('rec/3/b.m4s')).toString(), `b${round}`);
      await store.delete('rec/3/b.m4s');
    }
  });

  it('still makes folders it no longer remembers (bounded memo)', async () => {
    const { store, media } = fresh(2);
    const keys = Array.from({ length: 6 }, (_, i) => `rec/${i}/a.m4s`);
    for (const key of keys) await store.put(key, Buffer.from(key));
    rmSync(media, { recursive: true });
    for (const key of keys) await store.put(key, Buffer.from(key));
    for (const key of keys) assert.equal((await store.get(key)).toString(), key);
  });
});

describe('LocalObjectStore.adoptFile', () => {
  let root: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'rr-local-adopt-'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('makes a file the object by a link: the same bytes on disk once, and the object outlives the file’s name', async () => {
    const store = new LocalObjectStore(join(root, 'media'), { fsync: true });
    const file = join(root, 'seg-1.m4s');
    writeFileSync(file, 'segment bytes');
    await store.put('rec/1/seg-1.m4s', Buffer.from('an older value'));
    assert.equal(await store.adoptFile('rec/1/seg-1.m4s', file), true);
    assert.equal((await store.get('rec/1/seg-1.m4s')).toString(), 'segment bytes');
    assert.equal(statSync(join(root, 'media', 'rec', '1', 'seg-1.m4s')).ino, statSync(file).ino, 'one inode, no copy');
    assert.deepEqual(readdirSync(join(root, 'media', 'rec', '1')), ['seg-1.m4s'], 'no temp file left');
    unlinkSync(file); // the spill lets it go when it leaves the live window
    assert.equal((await store.get('rec/1/seg-1.m4s')).toString(), 'segment bytes');
  });

  it('declines a file on another filesystem (the caller copies), and stops trying', async () => {
    const elsewhere = mkdtempSync(join('/dev/shm', 'rr-adopt-'));
    try {
      assert.notEqual(statSync(elsewhere).dev, statSync(root).dev, '/dev/shm is its own filesystem here');
      const store = new LocalObjectStore(join(root, 'media2'), { fsync: false });
      const file = join(elsewhere, 'seg-1.m4s');
      writeFileSync(file, 'x');
      assert.equal(await store.adoptFile('rec/1/seg-1.m4s', file), false);
      assert.equal(await store.head('rec/1/seg-1.m4s'), undefined);
      const local = join(root, 'seg-2.m4s');
      writeFileSync(local, 'y');
      assert.equal(await store.adoptFile('rec/1/seg-2.m4s', local), false, 'known not to work: not tried again');
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('throws for a bad key or a missing file, and links the next one', async () => {
    const store = new LocalObjectStore(join(root, 'media3'), { fsync: false });
    const file = join(root, 'seg-3.m4s');
    writeFileSync(file, 'z');
    await assert.rejects(store.adoptFile('../escape.m4s', file), InvalidObjectKeyError);
    await assert.rejects(store.adoptFile('rec/1/gone.m4s', join(root, 'no-such-file')), StorageUnavailableError);
    assert.equal(await store.adoptFile('rec/1/seg-3.m4s', file), true);
    assert.deepEqual(readdirSync(join(root, 'media3', 'rec', '1')), ['seg-3.m4s'], 'no temp file left');
  });
});

describe('createObjectStore (local)', () => {
  it('follows STORAGE_LOCAL_FSYNC, off by default', async () => {
    const dir = join(tmpdir(), 'rr-unused');
    const storeFor = (env: Record<string, string>) => createObjectStore(loadConfig({ DATA_DIR: dir, ...env }));
    const off = await storeFor({});
    assert.ok(off instanceof LocalObjectStore);
    assert.equal(off.fsync, false);
    assert.equal(((await storeFor({ STORAGE_LOCAL_FSYNC: 'true' })) as LocalObjectStore).fsync, true);
    assert.equal(new LocalObjectStore(dir).fsync, true, 'the class itself still defaults to fsync');
  });

  it('never loads the Google client for local storage (it does for STORAGE=gcs)', async () => {
    // A fresh process: this one may have loaded it for other specs. The client's dependencies are CommonJS,
    // so they show in the require cache once loaded.
    const index = new URL('./index.js', import.meta.url).href;
    const script = `
      import { createRequire } from 'node:module';
      const { createObjectStore } = await import(${JSON.stringify(index)});
      const googleModules = () => Object.keys(createRequire(import.meta.url).cache).filter((k) => /google-auth-library|gaxios/.test(k)).length;
      const env = { DATA_DIR: ${JSON.stringify(join(tmpdir(), 'rr-unused'))} };
      const { loadConfig } = await import('@rapidrtmp/server-config');
      await createObjectStore(loadConfig(env));
      const local = googleModules();
      await createObjectStore(loadConfig({ ...env, STORAGE: 'gcs', GCS_BUCKET: 'media', GCS_API_ENDPOINT: 'http://127.0.0.1:9' }));
      console.log(JSON.stringify({ local, gcs: googleModules() }));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: fileURLToPath(new URL('.', import.meta.url)),
      timeout: 30_000,
    });
    const loaded = JSON.parse(stdout) as { local: number; gcs: number };
    assert.equal(loaded.local, 0);
    assert.ok(loaded.gcs > 0, 'the check sees the client once STORAGE=gcs loads it');
  });
});
