import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { UsersModule } from '@rapidrtmp/server-users';
import { AuthGuard } from './auth.guard.js';
import { AuthService } from './auth.service.js';
import { CredentialsRepository } from './credentials.repository.js';
import { LoginRateLimiter } from './login-rate-limiter.js';

@Global()
@Module({
  imports: [UsersModule],
  providers: [
    CredentialsRepository,
    { provide: LoginRateLimiter, useFactory: () => new LoginRateLimiter() },
    AuthService,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [AuthService, CredentialsRepository],
})
export class AuthModule {}
