import { Body, Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import {
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { Access, CurrentPrincipal, Public, type Principal } from '@rapidrtmp/server-access';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthService } from './auth.service.js';
import { ChangePasswordDto, LoginDto, LoginResponseDto, MeDto } from './dto/auth.dto.js';

@ApiTags('auth')
@Controller('api/v1')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

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
    const signedIn = await this.auth.login(
      body.email,
      body.password,
      request.ip,
      request.headers['user-agent'],
      body.bearer === true,
    );
    void reply.header('set-cookie', signedIn.cookies);
    return signedIn.body;
  }

  @Access()
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
    void reply.header('set-cookie', await this.auth.logout(principal));
  }

  @Access()
  @Get('me')
  @ApiOperation({ summary: 'The authenticated user', operationId: 'getMe' })
  @ApiOkResponse({ type: MeDto })
  me(@CurrentPrincipal() principal: Principal): Promise<MeDto> {
    return this.auth.me(principal);
  }

  @Access()
  @Post('me/password')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Change your own password (needs a login session); your other sessions and your API tokens end',
    operationId: 'changeMyPassword',
  })
  @ApiNoContentResponse()
  @ApiForbiddenResponse({ description: 'Called with an API token: changing a password needs a login session' })
  @ApiTooManyRequestsResponse({ description: 'Too many wrong passwords (the login limits apply)' })
  changePassword(
    @CurrentPrincipal() principal: Principal,
    @Body() body: ChangePasswordDto,
    @Req() request: FastifyRequest,
  ): Promise<void> {
    return this.auth.changePassword(principal, body.currentPassword, body.newPassword, request.ip);
  }
}
