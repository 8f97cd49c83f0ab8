import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDateString,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  MinLength,
} from 'class-validator';
import { SCOPES, type Scope } from '@rapidrtmp/server-access';
import type { ApiTokenEntity } from '@rapidrtmp/server-persistence';

export class CreateApiTokenDto {
  @ApiProperty({ example: 'CI publisher automation' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  label!: string;

  @ApiProperty({ enum: SCOPES, isArray: true, example: ['streams:read', 'keys:write'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(SCOPES.length)
  @IsIn(SCOPES, { each: true })
  scopes!: Scope[];

  @ApiPropertyOptional({ description: 'When the token stops working (default: never)' })
  @IsOptional()
  @IsDateString()
  expiresAt?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Admins: issue the token for another user' })
  @IsOptional()
  @IsUUID()
  userId?: string;
}

export class ApiTokenDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'CI publisher automation' })
  label!: string;

  @ApiProperty({ example: 'rrt_Xy12Ab34' })
  tokenPrefix!: string;

  @ApiProperty({ format: 'uuid' })
  ownerId!: string;

  @ApiProperty({ enum: SCOPES, isArray: true })
  scopes!: string[];

  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'The API token that created this one (revoking it revokes this one too); null when a login did',
  })
  parentId!: string | null;

  @ApiProperty({ nullable: true, type: Date })
  expiresAt!: Date | null;

  @ApiProperty({ nullable: true, type: Date })
  revokedAt!: Date | null;

  @ApiProperty({ nullable: true, type: Date })
  lastUsedAt!: Date | null;

  @ApiProperty()
  createdAt!: Date;
}

export class CreatedApiTokenDto extends ApiTokenDto {
  @ApiProperty({
    description: 'Send as `Authorization: Bearer <token>`. Shown only in this response.',
    example: 'rrt_…',
  })
  token!: string;
}

export function toApiTokenDto(token: ApiTokenEntity): ApiTokenDto {
  return {
    id: token.id,
    label: token.label,
    tokenPrefix: token.tokenPrefix,
    ownerId: token.ownerId,
    scopes: token.scopes,
    parentId: token.parentId,
    expiresAt: token.expiresAt,
    revokedAt: token.revokedAt,
    lastUsedAt: token.lastUsedAt,
    createdAt: token.createdAt,
  };
}
