import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { StreamKeyEntity, UserEntity } from '@rapidrtmp/server-persistence';
import type { Repository } from 'typeorm';

/** A key together with the owner fields publishing depends on. */
export interface StreamKeyWithOwner {
  key: StreamKeyEntity;
  owner: Pick<UserEntity, 'id' | 'email' | 'displayName' | 'disabled'>;
}

/** The only code that touches stream_keys (a publish lookup also reads the owner fields it depends on). */
@Injectable()
export class StreamKeysRepository {
  constructor(
    @InjectRepository(StreamKeyEntity) private readonly keys: Repository<StreamKeyEntity>,
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
  ) {}

  insert(
    values: Pick<StreamKeyEntity, 'ownerId' | 'label' | 'keyHash' | 'keyPrefix' | 'playbackId' | 'signedPlayback'>,
  ): Promise<StreamKeyEntity> {
    return this.keys.save(this.keys.create(values));
  }

  async findByHashWithOwner(keyHash: string): Promise<StreamKeyWithOwner | null> {
    const key = await this.keys.findOne({ where: { keyHash } });
    if (!key) return null;
    const owner = await this.users.findOne({
      where: { id: key.ownerId },
      select: { id: true, email: true, displayName: true, disabled: true },
    });
    return owner ? { key, owner } : null;
  }

  findById(id: string): Promise<StreamKeyEntity | null> {
    return this.keys.findOne({ where: { id } });
  }

  listByOwner(ownerId: string | undefined): Promise<StreamKeyEntity[]> {
    return this.keys.find({ where: ownerId ? { ownerId } : {}, order: { createdAt: 'DESC' }, take: 1000 });
  }

  listIdsByOwner(ownerId: string): Promise<Array<Pick<StreamKeyEntity, 'id'>>> {
    return this.keys.find({ where: { ownerId }, select: { id: true } });
  }

  async update(
    id: string,
    values: Partial<
      Pick<
        StreamKeyEntity,
        'label' | 'revokedAt' | 'bannedUntil' | 'banReason' | 'signedPlayback' | 'keyHash' | 'keyPrefix'
      >
    >,
  ): Promise<void> {
    await this.keys.update({ id }, values);
  }

  async touchLastUsed(id: string, at: Date): Promise<void> {
    await this.keys.update({ id }, { lastUsedAt: at });
  }
}
