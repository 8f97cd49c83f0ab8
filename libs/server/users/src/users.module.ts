import { Module } from '@nestjs/common';
import { AdminBootstrapService } from './admin-bootstrap.service.js';
import { PasswordHasher } from './password-hasher.js';
import { UsersRepository } from './users.repository.js';

@Module({
  providers: [PasswordHasher, UsersRepository, AdminBootstrapService],
  exports: [PasswordHasher, UsersRepository],
})
export class UsersModule {}
