import { ApiProperty } from '@nestjs/swagger';
import type { UserEntity } from '@rapidrtmp/server-persistence';

export class UserDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'ada@example.com' })
  email!: string;

  @ApiProperty({ nullable: true, type: String, example: 'Ada Lovelace' })
  displayName!: string | null;

  @ApiProperty({ enum: ['admin', 'moderator', 'publisher'], example: 'publisher' })
  role!: 'admin' | 'moderator' | 'publisher';

  @ApiProperty({ example: false })
  disabled!: boolean;

  @ApiProperty()
  createdAt!: Date;
}

export function toUserDto(user: UserEntity): UserDto {
  return {
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    role: user.role,
    disabled: user.disabled,
    createdAt: user.createdAt,
  };
}

/** A user as shown next to what they did (owner, moderator). */
export class UserRefDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'Ada Lovelace' })
  name!: string;
}
