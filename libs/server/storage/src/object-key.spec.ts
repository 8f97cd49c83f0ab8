import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertObjectKey, assertObjectPrefix, objectKeyProblem } from './object-key.js';
import { InvalidObjectKeyError } from './storage-errors.js';

describe('object keys', () => {
  it('accepts relative paths of [A-Za-z0-9._-] segments', () => {
    for (const key of ['a', 'recordings/2026/seg-00001.m4s', 'A.B_c-d/..hidden', '.rapidrtmp/probe', 'x'.repeat(255)]) {
      assert.equal(objectKeyProblem(key), undefined, key);
    }
  });

  const bad: Array<[string, RegExp]> = [
    ['', /empty/],
    ['../x', /"\.\." segment/],
    ['a/../b', /"\.\." segment/],
    ['./a', /"\." segment/],
    ['/abs', /absolute/],
    ['a//b', /empty segment/],
    ['a/', /empty segment/],
    ['a\0b', /NUL/],
    ['a\\b', /backslash/],
    ['a b', /characters outside/],
    ['é', /characters outside/],
    ['a:b', /characters outside/],
    ['x'.repeat(256), /segment longer than 255/],
    [`${'abcdefghi/'.repeat(60)}`, /longer than 512 bytes/],
  ];
  for (const [key, reason] of bad) {
    it(`rejects ${JSON.stringify(key.length > 20 ? `${key.slice(0, 20)}…` : key)}`, () => {
      assert.match(objectKeyProblem(key) ?? '', reason);
      assert.throws(() => assertObjectKey(key), InvalidObjectKeyError);
    });
  }

  it('accepts prefixes that end in a partial segment or a slash', () => {
    for (const prefix of ['', 'rec', 'rec/', 'rec/a', 'rec/.', 'rec/..'])
      assert.doesNotThrow(() => assertObjectPrefix(prefix));
    for (const prefix of ['/', '../', '/rec', 'a/../b', 'a//', 'a\\']) {
      assert.throws(() => assertObjectPrefix(prefix), InvalidObjectKeyError, prefix);
    }
  });
});
