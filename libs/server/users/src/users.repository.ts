import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Role } from '@rapidrtmp/server-access';
import { AuditEventEntity, UserEntity } from '@rapidrtmp/server-persistence';
import { In, type Repository } from 'typeorm';

export interface NewUser {
  email: string;
  passwordHash: string;
  role: Role;
  displayName?: string | null;
}

/**
 * The only code that writes the users table (a creation is audited in the same transaction). Queries that
 * show an owner with what they own (a publish lookup, history) read names and flags from it in a join.
 */
@Injectable()
export class UsersRepository {
  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    @InjectRepository(AuditEventEntity) private readonly audit: Repository<AuditEventEntity>,
  ) {}

  countByRole(role: Role): Promise<number> {
    return this.users.count({ where: { role } });
  }

  findById(id: string): Promise<UserEntity | null> {
    return this.users.findOne({ where: { id } });
  }

  /** Display names (or e-mails) by user id, for lists that show owners. */
  async namesByIds(ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const users = await this.users.find({
      where: { id: In([...new Set(ids)]) },
      select: { id: true, email: true, displayName: true },
    });
    return new Map(users.map((u) => [u.id, u.displayName ?? u.email]));
  }

  list(): Promise<UserEntity[]> {
    return this.users.find({ order: { createdAt: 'ASC' }, take: 10_000 });
  }

  async update(
    id: string,
    values: Partial<Pick<UserEntity, 'passwordHash' | 'role' | 'displayName' | 'disabled'>>,
  ): Promise<void> {
    await this.users.update({ id }, values);
  }

  findByEmail(email: string): Promise<UserEntity | null> {
    return this.users.findOne({ where: { email: email.toLowerCase() } });
  }

  /** Inserts the user and its audit event together. */
  async create(user: NewUser, actorId: string | null): Promise<UserEntity> {
    return this.users.manager.transaction(async (tx) => {
      const created = await tx
        .getRepository(UserEntity)
        .save(tx.getRepository(UserEntity).create({ ...user, email: user.email.toLowerCase() }));
      await tx.getRepository(AuditEventEntity).insert({
        actorId,
        action: 'user.created',
        targetType: 'user',
        targetId: created.id,
        details: { email: created.email, role: created.role },
      });
      return created;
    });
  }
}
