import { randomUUID } from 'node:crypto';
import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import type { Principal } from '@rapidrtmp/server-access';
import { OutboundGuard, OutboundPolicyError } from '@rapidrtmp/server-outbound';
import { AuditLog, type PushTargetEntity } from '@rapidrtmp/server-persistence';
import { SecretBox } from '@rapidrtmp/server-secrets';
import { StreamKeysService } from '@rapidrtmp/server-stream-keys';
import type { PushTargetStatusDto } from '@rapidrtmp/server-streams';
import type { CreatePushTargetDto, PushTargetDto, UpdatePushTargetDto } from './dto/push-targets.dto.js';
import { restingStatus } from './push-status.js';
import { maskedStreamKey, parsePushTargetUrl, streamKeyHint } from './push-target-url.js';
import { type PushTargetChanges, PushTargetsRepository } from './push-targets.repository.js';
import { RestreamRuntime } from './restream-runtime.js';
import { RestreamStatusLookup } from './restream-status-lookup.js';

/** Each push is a full copy of the stream going out: a bound per key keeps one key from saturating the uplink. */
export const MAX_PUSH_TARGETS_PER_KEY = 10;

/**
 * Restream targets of a stream key, under the key's own rules: whoever sees the key sees its targets (never
 * their stream keys, which are sealed at rest and write-only), whoever manages the key manages them. Literal
 * internal hosts are refused at once (400 naming the rule); names are checked at each connection. Changes
 * reach the key's live stream on whichever node it is, and are audited (URLs, never keys).
 */
@Injectable()
export class PushTargetsService {
  constructor(
    private readonly targets: PushTargetsRepository,
    private readonly keys: StreamKeysService,
    private readonly box: SecretBox,
    private readonly guard: OutboundGuard,
    private readonly audit: AuditLog,
    private readonly runtime: RestreamRuntime,
    private readonly statuses: RestreamStatusLookup,
  ) {}

  async list(principal: Principal, streamKeyId: string): Promise<PushTargetDto[]> {
    await this.keys.visible(principal, streamKeyId);
    const [targets, statuses] = await Promise.all([
      this.targets.listByKey(streamKeyId),
      this.statuses.forKey(streamKeyId),
    ]);
    const byId = new Map(statuses.map((status) => [status.targetId, status]));
    return targets.map((target) => toPushTargetDto(target, byId.get(target.id)));
  }

  async create(principal: Principal, streamKeyId: string, input: CreatePushTargetDto): Promise<PushTargetDto> {
    await this.keys.manageable(principal, streamKeyId);
    const url = this.checkedUrl(input.url);
    const id = randomUUID();
    const created = await this.targets.insertWithinLimit(
      {
        id,
        streamKeyId,
        label: input.label,
        url,
        ...this.sealed(id, input.streamKey),
        enabled: input.enabled ?? true,
      },
      MAX_PUSH_TARGETS_PER_KEY,
    );
    if (!created)
      throw new ConflictException(
        `A stream key has at most ${MAX_PUSH_TARGETS_PER_KEY} push targets; delete one first.`,
      );
    await this.audit.record({
      actorId: principal.userId,
      action: 'push_target.created',
      targetType: 'push_target',
      targetId: id,
      details: { streamKeyId, label: created.label, url: created.url, enabled: created.enabled },
    });
    this.runtime.targetsChanged(streamKeyId);
    return toPushTargetDto(created, undefined);
  }

  async update(
    principal: Principal,
    streamKeyId: string,
    id: string,
    input: UpdatePushTargetDto,
  ): Promise<PushTargetDto> {
    await this.keys.manageable(principal, streamKeyId);
    const changes: PushTargetChanges = {};
    if (input.label !== undefined) changes.label = input.label;
    if (input.url !== undefined) changes.url = this.checkedUrl(input.url);
    if (input.streamKey !== undefined) Object.assign(changes, this.sealed(id, input.streamKey));
    if (input.enabled !== undefined) changes.enabled = input.enabled;
    const updated = await this.targets.update(streamKeyId, id, changes);
    if (!updated) throw notFound();
    await this.audit.record({
      actorId: principal.userId,
      action: 'push_target.updated',
      targetType: 'push_target',
      targetId: id,
      // Which fields changed: `streamKey` is named, its value never recorded.
      details: { streamKeyId, changed: Object.keys(input), url: updated.url, enabled: updated.enabled },
    });
    this.runtime.targetsChanged(streamKeyId);
    const status = (await this.statuses.forKey(streamKeyId)).find((s) => s.targetId === id);
    return toPushTargetDto(updated, status);
  }

  async delete(principal: Principal, streamKeyId: string, id: string): Promise<void> {
    await this.keys.manageable(principal, streamKeyId);
    const target = await this.targets.findForKey(streamKeyId, id);
    if (!target || !(await this.targets.delete(streamKeyId, id))) throw notFound();
    await this.audit.record({
      actorId: principal.userId,
      action: 'push_target.deleted',
      targetType: 'push_target',
      targetId: id,
      details: { streamKeyId, label: target.label, url: target.url },
    });
    this.runtime.targetsChanged(streamKeyId);
  }

  /** The normalized URL; 400 when its host is a literal address the outbound policy refuses. */
  private checkedUrl(value: string): string {
    const parsed = parsePushTargetUrl(value);
    if ('problem' in parsed) throw new BadRequestException({ message: [`url ${parsed.problem}`] });
    try {
      this.guard.checkHost(parsed.address.host);
    } catch (error) {
      if (!(error instanceof OutboundPolicyError)) throw error;
      throw new BadRequestException({ message: `url host ${error.message}`, rule: error.rule, address: error.address });
    }
    return parsed.address.url;
  }

  /** Sealed for this target only (its id is authenticated with the key). */
  private sealed(id: string, streamKey: string): Pick<PushTargetEntity, 'streamKeySealed' | 'streamKeyHint'> {
    return { streamKeySealed: this.box.seal(streamKey, id), streamKeyHint: streamKeyHint(streamKey) };
  }
}

function notFound(): NotFoundException {
  return new NotFoundException('No such push target.');
}

/** Never the stream key: its masked hint only. */
export function toPushTargetDto(target: PushTargetEntity, status: PushTargetStatusDto | undefined): PushTargetDto {
  return {
    id: target.id,
    streamKeyId: target.streamKeyId,
    label: target.label,
    url: target.url,
    streamKeyHint: maskedStreamKey(target.streamKeyHint),
    enabled: target.enabled,
    createdAt: target.createdAt,
    updatedAt: target.updatedAt,
    status: status ?? restingStatus(target),
  };
}
