import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CAPABILITIES, FIRST_USER_ROLE, ROLE_TABLE, ROLES, can, roleHasScope, rolesWith, type Role } from './roles.js';
import { SCOPES, isScope, type Scope } from './scopes.js';
import { principalOf } from './testing/principal.js';

describe('ROLE_TABLE', () => {
  it('lists the roles most powerful first, each with known scopes and capabilities', () => {
    assert.equal(ROLES[0], FIRST_USER_ROLE);
    assert.deepEqual(
      ROLES.filter((r) => ['admin', 'moderator', 'publisher'].includes(r)),
      ['admin', 'moderator', 'publisher'],
    );
    for (const role of ROLES) {
      const { scopes, capabilities, label, description } = ROLE_TABLE[role];
      assert.ok(scopes.every(isScope), role);
      assert.ok(
        capabilities.every((c) => (CAPABILITIES as readonly string[]).includes(c)),
        role,
      );
      assert.ok(label && description, role);
    }
  });

  it('gives the first user every scope and capability', () => {
    assert.deepEqual([...ROLE_TABLE[FIRST_USER_ROLE].scopes].sort(), [...SCOPES].sort());
    for (const capability of CAPABILITIES) assert.ok(can(FIRST_USER_ROLE, capability), capability);
  });

  it('derives who may call a route from its scopes: the roles holding them all, in table order', () => {
    assert.deepEqual(rolesWith([]), ROLES);
    const allows = (scopes: Scope[], yes: Role[], no: Role[]) => {
      const roles = rolesWith(scopes);
      assert.deepEqual(
        roles,
        ROLES.filter((r) => scopes.every((s) => roleHasScope(r, s))),
        scopes.join(),
      );
      for (const role of yes) assert.ok(roles.includes(role), `${scopes.join()}: ${role}`);
      for (const role of no) assert.ok(!roles.includes(role), `${scopes.join()}: not ${role}`);
    };
    allows(['keys:read'], ['admin', 'moderator', 'publisher'], []);
    allows(['keys:write'], ['admin', 'publisher'], ['moderator']);
    allows(['streams:write'], ['admin', 'moderator'], ['publisher']);
    allows(['recordings:write'], ['admin', 'moderator', 'publisher'], []);
    allows(['streams:read', 'users:admin'], ['admin'], ['moderator', 'publisher']);
  });

  it('answers capabilities for a role or a principal, and scopes for a role', () => {
    assert.equal(can('moderator', 'others:read'), true);
    assert.equal(can(principalOf('moderator'), 'others:write'), false);
    assert.equal(can(principalOf('publisher'), 'others:read'), false);
    assert.equal(roleHasScope('publisher', 'keys:write'), true);
    assert.equal(roleHasScope('moderator', 'keys:write'), false);
  });

  it('lets an API token reach other users’ keys and tokens only with users:admin; a login by its role', () => {
    const adminToken = (scopes: Scope[]) => principalOf('admin', 'adm', { via: 'api-token', scopes });
    assert.equal(can(principalOf('admin'), 'others:write'), true, 'an admin’s login');
    assert.equal(can(adminToken(['keys:write', 'tokens:write']), 'others:write'), false);
    assert.equal(can(adminToken(['keys:write', 'users:admin']), 'others:write'), true);
    const moderatorToken = principalOf('moderator', 'mod', { via: 'api-token', scopes: ['users:admin'] as Scope[] });
    assert.equal(can(moderatorToken, 'others:write'), false, 'the role bounds a token whatever it holds');
    // Seeing (and moderating) others is the route's scope: a moderator's token reaches as far as its login.
    assert.equal(
      can(principalOf('moderator', 'mod', { via: 'api-token', scopes: ['streams:write'] }), 'others:read'),
      true,
    );
    assert.equal(can(adminToken(['keys:read']), 'others:read'), true);
  });
});
