import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { roleHasScope } from '@rapidrtmp/server-access';
import { AuditLog, type UserEntity } from '@rapidrtmp/server-persistence';
import { type CreateUserDto, type UpdateUserDto, type UserDto, toUserDto } from './dto/users.dto.js';
import { PasswordHasher } from './password-hasher.js';
import { UserSessions, UserStreams } from './user-effects.js';
import { UsersRepository } from './users.repository.js';

/**
 * User administration: accounts, roles, passwords. Disabling a user ends their logins, revokes their API tokens
 * (enabling them again brings none back) and stops their live streams; a password reset ends their logins and
 * revokes their tokens; a role change ends their logins. Every change is audited.
 */
@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly sessions: UserSessions,
    private readonly streams: UserStreams,
    private readonly audit: AuditLog,
  ) {}

  async list(): Promise<UserDto[]> {
    return (await this.users.list()).map(toUserDto);
  }

  /** The creation is audited with the user (one transaction, in the repository). */
  async create(actorId: string, input: CreateUserDto): Promise<UserDto> {
    if (await this.users.findByEmail(input.email))
      throw new ConflictException('A user with this e-mail already exists.');
    const user = await this.users.create(
      {
        email: input.email,
        passwordHash: await this.hasher.hash(input.password),
        role: input.role,
        displayName: input.displayName ?? null,
      },
      actorId,
    );
    return toUserDto(user);
  }

  async get(id: string): Promise<UserDto> {
    return toUserDto(await this.require(id));
  }

  async update(actorId: string, id: string, changes: UpdateUserDto): Promise<UserDto> {
    const user = await this.require(id);
    // Demoting: to a role that cannot manage users (the caller can, or they would not be here).
    if (id === actorId && (changes.disabled === true || (changes.role && !roleHasScope(changes.role, 'users:admin')))) {
      throw new ConflictException('You cannot disable or demote yourself.');
    }
    await this.users.update(id, changes);
    if (changes.disabled === true && !user.disabled) {
      await this.sessions.revokeUserSessions(id);
      await this.sessions.revokeUserTokens(id);
      this.streams.stopUser(id, 'user_disabled', actorId);
    }
    if (changes.role && changes.role !== user.role) await this.sessions.revokeUserSessions(id);
    await this.audit.record({
      actorId,
      action: 'user.updated',
      targetType: 'user',
      targetId: id,
      details: { ...changes },
    });
    return toUserDto(await this.require(id));
  }

  async resetPassword(actorId: string, id: string, password: string): Promise<void> {
    await this.require(id);
    await this.users.update(id, { passwordHash: await this.hasher.hash(password) });
    await this.sessions.revokeUserSessions(id);
    await this.sessions.revokeUserTokens(id);
    await this.audit.record({
      actorId,
      action: 'user.password_reset',
      targetType: 'user',
      targetId: id,
    });
  }

  private async require(id: string): Promise<UserEntity> {
    const user = await this.users.findById(id);
    if (!user) throw new NotFoundException('No such user.');
    return user;
  }
}
