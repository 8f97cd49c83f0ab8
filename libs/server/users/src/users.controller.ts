import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access, CurrentPrincipal, type Principal } from '@rapidrtmp/server-access';
import { CreateUserDto, ResetPasswordDto, UpdateUserDto, UserDto } from './dto/users.dto.js';
import { UsersService } from './users.service.js';

@ApiTags('users')
@Controller('api/v1/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Access('users:admin')
  @Get()
  @ApiOperation({ summary: 'List users', operationId: 'listUsers' })
  @ApiOkResponse({ type: [UserDto] })
  list(): Promise<UserDto[]> {
    return this.users.list();
  }

  @Access('users:admin')
  @Post()
  @ApiOperation({ summary: 'Create a user with a role', operationId: 'createUser' })
  @ApiCreatedResponse({ type: UserDto })
  create(@Body() body: CreateUserDto, @CurrentPrincipal() principal: Principal): Promise<UserDto> {
    return this.users.create(principal.userId, body);
  }

  @Access('users:admin')
  @Get(':id')
  @ApiOperation({ summary: 'One user', operationId: 'getUser' })
  @ApiOkResponse({ type: UserDto })
  get(@Param('id', ParseUUIDPipe) id: string): Promise<UserDto> {
    return this.users.get(id);
  }

  @Access('users:admin')
  @Patch(':id')
  @ApiOperation({ summary: 'Change role, name or disable a user', operationId: 'updateUser' })
  @ApiOkResponse({ type: UserDto })
  update(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: UpdateUserDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<UserDto> {
    return this.users.update(principal.userId, id, body);
  }

  @Access('users:admin')
  @Post(':id/password')
  @HttpCode(204)
  @ApiOperation({ summary: 'Set a new password for a user; their sessions end', operationId: 'resetUserPassword' })
  @ApiNoContentResponse()
  resetPassword(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: ResetPasswordDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<void> {
    return this.users.resetPassword(principal.userId, id, body.password);
  }
}
