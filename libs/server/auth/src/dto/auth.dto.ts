import { ApiProperty } from '@nestjs/swagger';
import { CAPABILITIES, type Capability } from '@rapidrtmp/server-access';
import { IsBoolean, IsEmail, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { UserDto } from '@rapidrtmp/server-users';

export class LoginDto {
  @ApiProperty({ example: 'admin@example.com' })
  @IsEmail()
  @MaxLength(320)
  email!: string;

  @ApiProperty({ example: 'correct horse battery staple' })
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  password!: string;

  @ApiProperty({
    required: false,
    description:
      'For clients that do not keep cookies (scripts, CLIs): `true` returns the session token as `accessToken`, ' +
      'to send as `Authorization: Bearer`. Browsers leave it out: their session is the httpOnly cookie, and a ' +
      'token in the JSON would be readable by any script on the page.',
  })
  @IsOptional()
  @IsBoolean()
  bearer?: boolean;
}

export class LoginResponseDto {
  @ApiProperty({
    required: false,
    description:
      'Session token, only when the login asked for it (`bearer: true`); usable as a Bearer token. ' +
      'Always set as the httpOnly `rr_session` cookie.',
    example: 'rrs_…',
  })
  accessToken?: string;

  @ApiProperty({
    description: 'Send as X-CSRF-Token on cookie-authenticated POST/PATCH/DELETE (also set as the `rr_csrf` cookie).',
  })
  csrfToken!: string;

  @ApiProperty()
  expiresAt!: Date;

  @ApiProperty({ type: UserDto })
  user!: UserDto;
}

export class MeDto extends UserDto {
  @ApiProperty({ enum: ['session', 'api-token'] })
  authenticatedVia!: 'session' | 'api-token';

  @ApiProperty({ type: [String], example: ['streams:read', 'keys:write'] })
  scopes!: string[];

  @ApiProperty({
    enum: CAPABILITIES,
    isArray: true,
    description: 'Whose resources your role reaches beyond your own (see GET /api/v1/roles)',
    example: ['others:read'],
  })
  capabilities!: Capability[];
}

export class ChangePasswordDto {
  @ApiProperty()
  @IsString()
  @MaxLength(256)
  currentPassword!: string;

  @ApiProperty({ minLength: 12, example: 'a new long passphrase' })
  @IsString()
  @MinLength(12)
  @MaxLength(256)
  newPassword!: string;
}
