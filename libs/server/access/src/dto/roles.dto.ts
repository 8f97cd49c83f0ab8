import { ApiProperty } from '@nestjs/swagger';
import { CAPABILITIES, ROLE_TABLE, ROLES, type Capability, type Role } from '../roles.js';
import { SCOPES, type Scope } from '../scopes.js';

export class RoleDto {
  @ApiProperty({ enum: ROLES, example: 'moderator' })
  name!: Role;

  @ApiProperty({ example: 'Moderator' })
  label!: string;

  @ApiProperty({ example: 'Sees and stops every live stream, bans keys.' })
  description!: string;

  @ApiProperty({
    enum: SCOPES,
    isArray: true,
    description: 'What a login of this role carries; an API token of its users holds at most these',
    example: ['streams:read', 'streams:write', 'keys:read', 'sessions:read', 'tokens:write'],
  })
  scopes!: Scope[];

  @ApiProperty({
    enum: CAPABILITIES,
    isArray: true,
    description:
      'Whose resources it reaches beyond its own: `others:read` sees every user’s keys, streams, history and ' +
      'recordings; `others:write` manages other users’ keys and API tokens (with an API token: only one that ' +
      'also holds `users:admin`)',
    example: ['others:read'],
  })
  capabilities!: Capability[];
}

export function toRoleDto(name: Role): RoleDto {
  const { label, description, scopes, capabilities } = ROLE_TABLE[name];
  return { name, label, description, scopes: [...scopes], capabilities: [...capabilities] };
}
