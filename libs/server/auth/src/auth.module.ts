import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { UserSessions, UsersModule } from '@rapidrtmp/server-users';
import { AuthController } from './auth.controller.js';
import { AuthGuard } from './auth.guard.js';
import { AuthService } from './auth.service.js';
import { CredentialsRepository } from './credentials.repository.js';
import { PostgresLoginLimits } from './login-limit-store.js';
import { LoginRateLimiter } from './login-rate-limiter.js';

/** Login sessions, the guard enforcing @Access on every route, and UserSessions for the users lib. */
@Global()
@Module({
  imports: [UsersModule],
  controllers: [AuthController],
  providers: [
    CredentialsRepository,
    PostgresLoginLimits,
    {
      provide: LoginRateLimiter,
      useFactory: (store: PostgresLoginLimits) => new LoginRateLimiter(store),
      inject: [PostgresLoginLimits],
    },
    AuthService,
    { provide: UserSessions, useExisting: AuthService },
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [AuthService, CredentialsRepository, UserSessions],
})
export class AuthModule {}
