import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access } from './decorators.js';
import { RoleDto, toRoleDto } from './dto/roles.dto.js';
import { ROLES } from './roles.js';

@ApiTags('roles')
@Controller('api/v1/roles')
export class RolesController {
  @Access()
  @Get()
  @ApiOperation({
    summary: 'Every role and what it may do, most powerful first (the dashboard derives its pages from it)',
    operationId: 'listRoles',
  })
  @ApiOkResponse({ type: [RoleDto] })
  list(): RoleDto[] {
    return ROLES.map(toRoleDto);
  }
}
