import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CAPABILITIES, FIRST_USER_ROLE, ROLE_TABLE, ROLES, can, roleHasScope, rolesWith } from './roles.js';
import { SCOPES, isScope } from './scopes.js';

describe('ROLE_TABLE', () => {
  it('lists the roles most powerful first, each with known scopes and capabilities', () => {
    assert.deepEqual(ROLES, ['admin', 'moderator', 'publisher']);
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

  it('derives who may call a route from its scopes: every role for none', () => {
    assert.deepEqual(rolesWith([]), ROLES);
    assert.deepEqual(rolesWith(['keys:read']), ['admin', 'moderator', 'publisher']);
    assert.deepEqual(rolesWith(['keys:write']), ['admin', 'publisher']);
    assert.deepEqual(rolesWith(['streams:write']), ['admin', 'moderator']);
    assert.deepEqual(rolesWith(['streams:read', 'users:admin']), ['admin']);
  });

  it('answers capabilities for a role or a principal, and scopes for a role', () => {
    assert.equal(can('moderator', 'others:read'), true);
    assert.equal(can({ role: 'moderator' }, 'others:write'), false);
    assert.equal(can({ role: 'publisher' }, 'others:read'), false);
    assert.equal(roleHasScope('publisher', 'keys:write'), true);
    assert.equal(roleHasScope('moderator', 'keys:write'), false);
  });
});
