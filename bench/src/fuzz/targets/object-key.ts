import { posix } from 'node:path';
import {
  assertObjectKey,
  assertObjectPrefix,
  InvalidObjectKeyError,
  MAX_OBJECT_KEY_BYTES,
  objectKeyProblem,
} from '@rapidrtmp/server-storage';
import { corpusSeeds } from '../fuzz-corpus.js';
import { check, type FuzzTarget } from '../fuzz-target.js';

const ROOT = '/srv/media';

/** A key the validator accepted must stay a relative path inside the store's root, as the rule promises. */
function insideRoot(key: string): boolean {
  const resolved = posix.resolve(ROOT, key);
  return resolved.startsWith(`${ROOT}/`) && posix.normalize(key) === key && !key.split('/').includes('..');
}

export const objectKeyTarget: FuzzTarget = {
  name: 'object-key',
  description: 'storage object key and list prefix validation (objectKeyProblem, assertObjectKey, assertObjectPrefix)',
  maxInputBytes: 1200,
  seeds: () => corpusSeeds('object-key'),
  expected: (error) => error instanceof InvalidObjectKeyError,
  run(input, random) {
    const key = input.toString(random.int(0, 1) ? 'utf8' : 'latin1');
    const problem = objectKeyProblem(key);
    if (problem === undefined) {
      check(insideRoot(key) && Buffer.byteLength(key) <= MAX_OBJECT_KEY_BYTES, () => `accepted ${JSON.stringify(key)}`);
      assertObjectKey(key); // must agree with objectKeyProblem
    }
    try {
      assertObjectPrefix(key);
    } catch (error) {
      if (!(error instanceof InvalidObjectKeyError)) throw error;
      return;
    }
    // A listing walks the folder before the prefix's last '/' (local-listing.ts): it must be inside the root.
    const slash = key.lastIndexOf('/');
    const folder = slash < 0 ? '' : key.slice(0, slash);
    check(folder === '' || insideRoot(folder), () => `prefix ${JSON.stringify(key)} walks ${JSON.stringify(folder)}`);
  },
};
