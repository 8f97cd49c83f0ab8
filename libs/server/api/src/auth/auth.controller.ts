import { Body, Controller, Get, HttpCode, Post, Req, Res, UnauthorizedException } from '@nestjs/common';
import {
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { ALL_ROLES, Access, CurrentPrincipal, Public, type Principal } from '@rapidrtmp/server-access';
import { AuthService, CSRF_COOKIE, SESSION_COOKIE, serializeCookie } from '@rapidrtmp/server-auth';
import { AuditLog } from '@rapidrtmp/server-persistence';
import { PasswordHasher, UsersRepository } from '@rapidrtmp/server-users';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { toUserDto } from '../common/dto.js';
import { ChangePasswordDto, LoginDto, LoginResponseDto, MeDto } from './auth.dto.js';

@ApiTags('auth')
@Controller('api/v1')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditLog,
  ) {}

  @Public()
  @Post('auth/login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Log in with e-mail and password', operationId: 'login' })
  @ApiOkResponse({ type: LoginResponseDto })
  @ApiTooManyRequestsResponse({ description: 'Too many attempts from this address or for this account' })
  async login(
    @Body() body: LoginDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<LoginResponseDto> {
    const session = await this.auth.login(body.email, body.password, request.ip, request.headers['user-agent']);
    const maxAgeSeconds = (session.expiresAt.getTime() - Date.now()) / 1000;
    const secure = this.auth.secureCookies;
    void reply.header('set-cookie', [
      serializeCookie(SESSION_COOKIE, session.token, { maxAgeSeconds, httpOnly: true, secure }),
      serializeCookie(CSRF_COOKIE, session.csrfToken, { maxAgeSeconds, httpOnly: false, secure }),
    ]);
    await this.audit.record({
      actorId: session.user.id,
      action: 'auth.login',
      targetType: 'user',
      targetId: session.user.id,
      details: { ip: request.ip },
    });
    return {
      accessToken: session.token,
      csrfToken: session.csrfToken,
      expiresAt: session.expiresAt,
      user: toUserDto(session.user),
    };
  }

  @Access(ALL_ROLES)
  @Post('auth/logout')
  @HttpCode(204)
  @ApiOperation({
    summary: 'End the current session (the token or cookie stops working at once)',
    operationId: 'logout',
  })
  @ApiNoContentResponse()
  async logout(
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    if (principal.via === 'session') await this.auth.logout(principal);
    const secure = this.auth.secureCookies;
    void reply.header('set-cookie', [
      serializeCookie(SESSION_COOKIE, '', { maxAgeSeconds: 0, httpOnly: true, secure }),
      serializeCookie(CSRF_COOKIE, '', { maxAgeSeconds: 0, httpOnly: false, secure }),
    ]);
  }

  @Access(ALL_ROLES)
  @Get('me')
  @ApiOperation({ summary: 'The authenticated user', operationId: 'getMe' })
  @ApiOkResponse({ type: MeDto })
  async me(@CurrentPrincipal() principal: Principal): Promise<MeDto> {
    const user = await this.users.findById(principal.userId);
    if (!user) throw new UnauthorizedException();
    return { ...toUserDto(user), authenticatedVia: principal.via, scopes: [...principal.scopes] };
  }

  @Access(ALL_ROLES)
  @Post('me/password')
  @HttpCode(204)
  @ApiOperation({ summary: 'Change your own password; your other sessions end', operationId: 'changeMyPassword' })
  @ApiNoContentResponse()
  async changePassword(@CurrentPrincipal() principal: Principal, @Body() body: ChangePasswordDto): Promise<void> {
    const user = await this.users.findById(principal.userId);
    if (!user || !(await this.hasher.verify(user.passwordHash, body.currentPassword))) {
      throw new UnauthorizedException('The current password is wrong.');
    }
    await this.users.update(user.id, { passwordHash: await this.hasher.hash(body.newPassword) });
    await this.auth.revokeUserSessions(user.id, principal.via === 'session' ? principal.credentialId : undefined);
    await this.audit.record({
      actorId: user.id,
      action: 'user.password_changed',
      targetType: 'user',
      targetId: user.id,
    });
  }
}
