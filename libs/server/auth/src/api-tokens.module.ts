import { Module } from '@nestjs/common';
import { UsersModule } from '@rapidrtmp/server-users';
import { ApiTokensController } from './api-tokens.controller.js';
import { ApiTokensService } from './api-tokens.service.js';

/** The API token routes (the tokens themselves are stored by the global AuthModule's CredentialsRepository). */
@Module({
  imports: [UsersModule],
  controllers: [ApiTokensController],
  providers: [ApiTokensService],
})
export class ApiTokensModule {}
