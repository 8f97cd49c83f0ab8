import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KnownFolders } from './known-folders.js';

describe('KnownFolders', () => {
  it('stays within its limit, dropping the least recently used folder', () => {
    const folders = new KnownFolders(3);
    for (const name of ['/m/a', '/m/b', '/m/c']) folders.add(name);
    assert.equal(folders.has('/m/a'), true); // now the most recent
    folders.add('/m/d');
    assert.equal(folders.size, 3);
    assert.equal(folders.has('/m/b'), false, 'the least recently used one went');
    assert.deepEqual(
      ['/m/a', '/m/c', '/m/d'].map((name) => folders.has(name)),
      [true, true, true],
    );
    for (let i = 0; i < 100; i += 1) folders.add(`/m/x${i}`);
    assert.equal(folders.size, 3);
  });

  it('forgets a folder with everything under it, not its siblings', () => {
    const folders = new KnownFolders();
    for (const name of ['/m/rec', '/m/rec/1', '/m/rec/1/a', '/m/rec10', '/m/other']) folders.add(name);
    folders.forget('/m/rec');
    assert.deepEqual(
      ['/m/rec', '/m/rec/1', '/m/rec/1/a', '/m/rec10', '/m/other'].map((name) => folders.has(name)),
      [false, false, false, true, true],
    );
    assert.equal(folders.size, 2);
  });
});
