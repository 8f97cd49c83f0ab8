import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ForbiddenException, NotFoundException } from '@nestjs/common';
import { can, type Principal } from '@rapidrtmp/server-access';
import { principalOf } from '@rapidrtmp/server-access/testing';
import { OutboundGuard, OutboundPolicy } from '@rapidrtmp/server-outbound';
import type { PushTargetEntity, StreamKeyEntity } from '@rapidrtmp/server-persistence';
import { recordingAuditLog } from '@rapidrtmp/server-persistence/testing';
import { SecretBox } from '@rapidrtmp/server-secrets';
import type { StreamKeysService } from '@rapidrtmp/server-stream-keys';
import type { PushTargetStatusDto } from '@rapidrtmp/server-streams';
import type { PushTargetsRepository } from './push-targets.repository.js';
import { MAX_PUSH_TARGETS_PER_KEY, PushTargetsService } from './push-targets.service.js';
import type { RestreamRuntime } from './restream-runtime.js';
import type { RestreamStatusLookup } from './restream-status-lookup.js';

const OWNER = principalOf('publisher', 'pub');
const OTHER = principalOf('publisher', 'other');
const MODERATOR = principalOf('moderator', 'mod');
const ADMIN = principalOf('admin', 'adm');
const KEY = 'k-1';
const SECRET = 'abcd-efgh-ijkl-mnop-qrst';

/** The service over an in-memory push_targets table, the stream keys' access rules and a recording runtime. */
function setup(guard = new OutboundGuard(OutboundPolicy.strict())) {
  const rows = new Map<string, PushTargetEntity>();
  const clone = (row: PushTargetEntity) => ({ ...row });
  const targets = {
    async listByKey(streamKeyId) {
      return [...rows.values()].filter((r) => r.streamKeyId === streamKeyId).map(clone);
    },
    async findForKey(streamKeyId, id) {
      const row = rows.get(id);
      return row?.streamKeyId === streamKeyId ? clone(row) : null;
    },
    async insertWithinLimit(values, limit) {
      if ([...rows.values()].filter((r) => r.streamKeyId === values.streamKeyId).length >= limit) return null;
      const now = new Date();
      rows.set(values.id, { ...values, createdAt: now, updatedAt: now });
      return clone(rows.get(values.id)!);
    },
    async update(streamKeyId, id, changes) {
      const row = rows.get(id);
      if (row?.streamKeyId !== streamKeyId) return null;
      Object.assign(row, changes, { updatedAt: new Date() });
      return clone(row);
    },
    async delete(streamKeyId, id) {
      return rows.get(id)?.streamKeyId === streamKeyId && rows.delete(id);
    },
  } satisfies Partial<PushTargetsRepository>;
  // The stream keys' rules, as StreamKeysService applies them: KEY belongs to `pub`.
  const visible = async (principal: Principal, id: string) => {
    if (id !== KEY || (!can(principal, 'others:read') && principal.userId !== 'pub'))
      throw new NotFoundException('No such stream key.');
    return { id, ownerId: 'pub' } as StreamKeyEntity;
  };
  const keys = {
    visible,
    async manageable(principal: Principal, id: string) {
      const key = await visible(principal, id);
      if (!can(principal, 'others:write') && principal.userId !== key.ownerId) throw new ForbiddenException();
      return key;
    },
  } satisfies Partial<StreamKeysService>;
  const changed: string[] = [];
  const runtime = { targetsChanged: (id: string) => void changed.push(id) } satisfies Partial<RestreamRuntime>;
  const live = new Map<string, PushTargetStatusDto>();
  const statuses = {
    async forKey() {
      return [...live.values()];
    },
  } satisfies Partial<RestreamStatusLookup>;
  const box = new SecretBox(Buffer.alloc(32, 3));
  const audit = recordingAuditLog();
  const service = new PushTargetsService(
    targets as unknown as PushTargetsRepository,
    keys as unknown as StreamKeysService,
    box,
    guard,
    audit,
    runtime as unknown as RestreamRuntime,
    statuses as unknown as RestreamStatusLookup,
  );
  return { service, rows, box, audit, changed, live };
}

const INPUT = { label: 'YouTube', url: 'rtmp://a.rtmp.youtube.com/live2/', streamKey: SECRET };

async function rejects(promise: Promise<unknown>, status: number, pattern?: RegExp) {
  await assert.rejects(promise, (error: Error & { getStatus?: () => number; getResponse?: () => unknown }) => {
    assert.equal(error.getStatus?.(), status, error.message);
    if (pattern) assert.match(JSON.stringify(error.getResponse?.()), pattern);
    return true;
  });
}

describe('PushTargetsService', () => {
  it('stores the URL normalized and the key sealed for this target only, and never answers with the key', async () => {
    const { service, rows, box, audit, changed } = setup();
    const created = await service.create(OWNER, KEY, INPUT);
    assert.equal(created.url, 'rtmp://a.rtmp.youtube.com/live2');
    assert.equal(created.streamKeyHint, '••••qrst');
    assert.equal(created.enabled, true);
    assert.equal(created.status.state, 'idle');
    assert.ok(!JSON.stringify(created).includes(SECRET), 'no key in the answer');
    const row = rows.get(created.id)!;
    assert.equal(box.open(row.streamKeySealed, created.id), SECRET);
    assert.throws(() => box.open(row.streamKeySealed, 'another-target'), /tampered/, 'bound to its target');
    assert.deepEqual(
      audit.entries.map((e) => [e.action, e.targetId]),
      [['push_target.created', created.id]],
    );
    assert.ok(!JSON.stringify(audit.entries).includes(SECRET), 'no key in the audit log');
    assert.deepEqual(changed, [KEY], 'the live stream is told');
    assert.ok(!JSON.stringify(await service.list(OWNER, KEY)).includes(SECRET));
  });

  it('refuses literal internal hosts with 400 naming the rule, unless the operator allows them', async () => {
    const { service } = setup();
    for (const url of ['rtmp://127.0.0.1/live', 'rtmp://0x7f.1/live', 'rtmp://[::1]/live', 'rtmp://169.254.169.254/x'])
      await rejects(service.create(OWNER, KEY, { ...INPUT, url }), 400, /refused by the outbound address policy/);
    await rejects(service.create(OWNER, KEY, { ...INPUT, url: 'rtmp://10.1.2.3/live' }), 400, /"rule":"private"/);
    const allowed = setup(new OutboundGuard(OutboundPolicy.allowing(['127.0.0.0/8'])));
    assert.equal(
      (await allowed.service.create(OWNER, KEY, { ...INPUT, url: 'rtmp://127.0.0.1:1936/live' })).url,
      'rtmp://127.0.0.1:1936/live',
    );
  });

  it(`keeps at most ${MAX_PUSH_TARGETS_PER_KEY} targets per key`, async () => {
    const { service } = setup();
    for (let i = 0; i < MAX_PUSH_TARGETS_PER_KEY; i++) await service.create(OWNER, KEY, { ...INPUT, label: `t${i}` });
    await rejects(service.create(OWNER, KEY, INPUT), 409, /at most 10/);
  });

  it('replaces the key write-only, toggles and renames, and audits which fields changed but not the key', async () => {
    const { service, rows, box, audit, changed } = setup();
    const { id } = await service.create(OWNER, KEY, INPUT);
    const updated = await service.update(OWNER, KEY, id, {
      streamKey: 'new-secret-key-9876',
      enabled: false,
      label: 'YT',
    });
    assert.deepEqual(
      [updated.label, updated.enabled, updated.streamKeyHint, updated.status.state],
      ['YT', false, '••••9876', 'disabled'],
    );
    assert.equal(box.open(rows.get(id)!.streamKeySealed, id), 'new-secret-key-9876');
    const entry = audit.entries.at(-1)!;
    assert.equal(entry.action, 'push_target.updated');
    assert.deepEqual(entry.details?.changed, ['streamKey', 'enabled', 'label']);
    assert.ok(!JSON.stringify(entry).includes('new-secret-key-9876'));
    assert.deepEqual(changed, [KEY, KEY]);
    await rejects(service.update(OWNER, KEY, 'no-such-target', { label: 'x' }), 404);
    await rejects(service.update(OWNER, KEY, id, { url: 'rtmp://192.168.1.10/live' }), 400, /private/);
  });

  it('follows the key’s rules: others see nothing, moderators see but do not change, admins manage', async () => {
    const { service } = setup();
    const { id } = await service.create(OWNER, KEY, INPUT);
    await rejects(service.list(OTHER, KEY), 404);
    await rejects(service.create(OTHER, KEY, INPUT), 404);
    await rejects(service.delete(OTHER, KEY, id), 404);
    assert.equal((await service.list(MODERATOR, KEY)).length, 1);
    await rejects(service.update(MODERATOR, KEY, id, { enabled: false }), 403);
    await rejects(service.delete(MODERATOR, KEY, id), 403);
    assert.equal((await service.update(ADMIN, KEY, id, { label: 'by admin' })).label, 'by admin');
    await service.delete(ADMIN, KEY, id);
    await rejects(service.delete(OWNER, KEY, id), 404);
  });

  it('lists each target with the live status of its push', async () => {
    const { service, live } = setup();
    const a = await service.create(OWNER, KEY, { ...INPUT, label: 'a' });
    const b = await service.create(OWNER, KEY, { ...INPUT, label: 'b', enabled: false });
    live.set(a.id, {
      ...a.status,
      state: 'retrying',
      lastError: 'connect ECONNREFUSED 203.0.113.9:1935',
      retryAt: new Date(),
    });
    const listed = await service.list(OWNER, KEY);
    assert.deepEqual(
      listed.map((t) => [t.label, t.status.state, t.status.lastError]),
      [
        ['a', 'retrying', 'connect ECONNREFUSED 203.0.113.9:1935'],
        ['b', 'disabled', null],
      ],
    );
    assert.equal(listed[1]!.id, b.id);
  });
});
