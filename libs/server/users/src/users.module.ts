import { Module } from '@nestjs/common';
import { AdminBootstrapService } from './admin-bootstrap.service.js';
import { PasswordHasher } from './password-hasher.js';
import { UsersController } from './users.controller.js';
import { UsersRepository } from './users.repository.js';
import { UsersService } from './users.service.js';

/** Users and their administration API. UserSessions and UserStreams are bound by the auth and streams libs. */
@Module({
  controllers: [UsersController],
  providers: [PasswordHasher, UsersRepository, UsersService, AdminBootstrapService],
  exports: [PasswordHasher, UsersRepository],
})
export class UsersModule {}
