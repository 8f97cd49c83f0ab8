import {
  Body,
  ConflictException,
  Controller,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
} from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ADMIN, Access, CurrentPrincipal, type Principal } from '@rapidrtmp/server-access';
import { AuthService } from '@rapidrtmp/server-auth';
import { AuditLog } from '@rapidrtmp/server-persistence';
import { PasswordHasher, UsersRepository } from '@rapidrtmp/server-users';
import { type UserDto, UserDto as UserDtoClass, toUserDto } from '../common/dto.js';
import { StreamControl } from '../streams/stream-control.service.js';
import { CreateUserDto, ResetPasswordDto, UpdateUserDto } from './users.dto.js';

@ApiTags('users')
@Controller('api/v1/users')
export class UsersController {
  constructor(
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly auth: AuthService,
    private readonly control: StreamControl,
    private readonly audit: AuditLog,
  ) {}

  @Access(ADMIN, 'users:admin')
  @Get()
  @ApiOperation({ summary: 'List users', operationId: 'listUsers' })
  @ApiOkResponse({ type: [UserDtoClass] })
  async list(): Promise<UserDto[]> {
    return (await this.users.list()).map(toUserDto);
  }

  @Access(ADMIN, 'users:admin')
  @Post()
  @ApiOperation({ summary: 'Create a user with a role', operationId: 'createUser' })
  @ApiCreatedResponse({ type: UserDtoClass })
  async create(@Body() body: CreateUserDto, @CurrentPrincipal() principal: Principal): Promise<UserDto> {
    if (await this.users.findByEmail(body.email))
      throw new ConflictException('A user with this e-mail already exists.');
    const user = await this.users.create(
      {
        email: body.email,
        passwordHash: await this.hasher.hash(body.password),
        role: body.role,
        displayName: body.displayName ?? null,
      },
      principal.userId,
    );
    return toUserDto(user);
  }

  @Access(ADMIN, 'users:admin')
  @Get(':id')
  @ApiOperation({ summary: 'One user', operationId: 'getUser' })
  @ApiOkResponse({ type: UserDtoClass })
  async get(@Param('id', ParseUUIDPipe) id: string): Promise<UserDto> {
    return toUserDto(await this.find(id));
  }

  @Access(ADMIN, 'users:admin')
  @Patch(':id')
  @ApiOperation({ summary: 'Change role, name or disable a user', operationId: 'updateUser' })
  @ApiOkResponse({ type: UserDtoClass })
  async update(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: UpdateUserDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<UserDto> {
    const user = await this.find(id);
    if (id === principal.userId && (body.disabled === true || (body.role && body.role !== 'admin'))) {
      throw new ConflictException('You cannot disable or demote yourself.');
    }
    await this.users.update(id, body);
    if (body.disabled === true && !user.disabled) {
      await this.auth.revokeUserSessions(id);
      this.control.stopUser(id, 'user_disabled', principal.userId);
    }
    if (body.role && body.role !== user.role) await this.auth.revokeUserSessions(id);
    await this.audit.record({
      actorId: principal.userId,
      action: 'user.updated',
      targetType: 'user',
      targetId: id,
      details: { ...body },
    });
    return toUserDto(await this.find(id));
  }

  @Access(ADMIN, 'users:admin')
  @Post(':id/password')
  @HttpCode(204)
  @ApiOperation({ summary: 'Set a new password for a user; their sessions end', operationId: 'resetUserPassword' })
  @ApiNoContentResponse()
  async resetPassword(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: ResetPasswordDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<void> {
    await this.find(id);
    await this.users.update(id, { passwordHash: await this.hasher.hash(body.password) });
    await this.auth.revokeUserSessions(id);
    await this.audit.record({
      actorId: principal.userId,
      action: 'user.password_reset',
      targetType: 'user',
      targetId: id,
    });
  }

  private async find(id: string) {
    const user = await this.users.findById(id);
    if (!user) throw new NotFoundException('No such user.');
    return user;
  }
}
