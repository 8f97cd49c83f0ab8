import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA } from '@nestjs/common/constants.js';
import { ROUTE_ACCESS, type RouteAccess } from '@rapidrtmp/server-access';
import { RecordingsController } from './recordings.controller.js';

/** Each route handler of the controller with its HTTP method and @Access policy. */
function routes() {
  const prototype = RecordingsController.prototype as unknown as Record<string, object>;
  return Object.getOwnPropertyNames(prototype)
    .filter((name) => name !== 'constructor')
    .map((name) => ({
      name,
      method: Reflect.getMetadata(METHOD_METADATA, prototype[name]!) as RequestMethod,
      access: Reflect.getMetadata(ROUTE_ACCESS, prototype[name]!) as RouteAccess | undefined,
    }));
}

describe('RecordingsController access', () => {
  it('opens reads with sessions:read and a deletion only with recordings:write (owner, moderator, admin)', () => {
    const all = routes();
    assert.deepEqual(all.map((r) => r.name).sort(), ['download', 'get', 'list', 'remove']);
    for (const route of all) {
      if (route.method === RequestMethod.GET) assert.deepEqual(route.access?.scopes, ['sessions:read'], route.name);
      else {
        assert.deepEqual(route.access?.scopes, ['recordings:write'], route.name);
        assert.deepEqual(route.access.roles, ['admin', 'moderator', 'publisher'], route.name);
      }
    }
  });
});
