import { Readable } from 'node:stream';
import type { ObjectStore } from '@rapidrtmp/server-storage';

/**
 * The objects at `keys`, one after another, as one stream that reads storage only as fast as it is consumed
 * (at most one object open at a time). Destroying it (a client that goes away) closes the open object and
 * opens no further one; a storage failure destroys it with that error.
 */
export function concatenatedObjects(store: ObjectStore, keys: readonly string[]): Readable {
  async function* chunks(): AsyncGenerator<Buffer> {
    for (const key of keys) {
      // yield* hands a return() (the stream destroyed) to the object's iterator, which destroys the object stream.
      yield* (await store.createReadStream(key)) as AsyncIterable<Buffer>;
    }
  }
  return Readable.from(chunks(), { objectMode: false });
}
