import { Module } from '@nestjs/common';
import { RolesController } from './roles.controller.js';

/** The role table as an API (GET /api/v1/roles); the rest of this lib is decorators and functions. */
@Module({ controllers: [RolesController] })
export class AccessModule {}
