import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { PushTargetEntity } from '@rapidrtmp/server-persistence';
import { In, type Repository } from 'typeorm';

export type NewPushTarget = Pick<
  PushTargetEntity,
  'id' | 'streamKeyId' | 'label' | 'url' | 'streamKeySealed' | 'streamKeyHint' | 'enabled'
>;
export type PushTargetChanges = Partial<
  Pick<PushTargetEntity, 'label' | 'url' | 'streamKeySealed' | 'streamKeyHint' | 'enabled'>
>;

/** What tells whether a key's targets changed since they were loaded: ids and update times. */
export type TargetVersion = Pick<PushTargetEntity, 'id' | 'streamKeyId' | 'updatedAt'>;

/** Keys asked about at once by `versions` (the ANY(...) list stays small). */
const VERSION_BATCH = 500;

/** The only code that touches push_targets. */
@Injectable()
export class PushTargetsRepository {
  constructor(@InjectRepository(PushTargetEntity) private readonly targets: Repository<PushTargetEntity>) {}

  /** A key's targets, oldest first. */
  listByKey(streamKeyId: string): Promise<PushTargetEntity[]> {
    return this.targets.find({ where: { streamKeyId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  findForKey(streamKeyId: string, id: string): Promise<PushTargetEntity | null> {
    return this.targets.findOne({ where: { id, streamKeyId } });
  }

  /**
   * Inserts unless the key already has `limit` targets; null then. The key's row is locked for the count, so
   * two concurrent creates cannot both take the last place.
   */
  insertWithinLimit(values: NewPushTarget, limit: number): Promise<PushTargetEntity | null> {
    return this.targets.manager.transaction(async (tx) => {
      await tx.query(`SELECT 1 FROM stream_keys WHERE id = $1 FOR NO KEY UPDATE`, [values.streamKeyId]);
      if ((await tx.count(PushTargetEntity, { where: { streamKeyId: values.streamKeyId } })) >= limit) return null;
      return tx.save(tx.create(PushTargetEntity, values));
    });
  }

  /** The target after the change, or null when it is not one of the key's. */
  async update(streamKeyId: string, id: string, changes: PushTargetChanges): Promise<PushTargetEntity | null> {
    if (Object.keys(changes).length > 0) await this.targets.update({ id, streamKeyId }, changes);
    return this.findForKey(streamKeyId, id);
  }

  async delete(streamKeyId: string, id: string): Promise<boolean> {
    return ((await this.targets.delete({ id, streamKeyId })).affected ?? 0) > 0;
  }

  /** Ids and update times of the targets of these keys (for noticing changes another node made). */
  async versions(streamKeyIds: string[]): Promise<TargetVersion[]> {
    const out: TargetVersion[] = [];
    for (let i = 0; i < streamKeyIds.length; i += VERSION_BATCH) {
      out.push(
        ...(await this.targets.find({
          where: { streamKeyId: In(streamKeyIds.slice(i, i + VERSION_BATCH)) },
          select: { id: true, streamKeyId: true, updatedAt: true },
        })),
      );
    }
    return out;
  }
}
