import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDateString, IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { END_REASONS, type EndReason } from '@rapidrtmp/server-domain';

/** A user as shown next to what they did (owner, moderator). */
export class UserRefDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'Ada Lovelace' })
  name!: string;
}

export class SessionDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  streamKeyId!: string | null;

  @ApiProperty({ nullable: true, type: String, example: 'studio' })
  keyLabel!: string | null;

  @ApiProperty({ nullable: true, type: String, example: 'k7m2q9x4w8r3t6yz' })
  playbackId!: string | null;

  @ApiProperty({ type: UserRefDto, nullable: true })
  owner!: UserRefDto | null;

  @ApiProperty({ example: 'rapidrtmp-0' })
  nodeId!: string;

  @ApiProperty()
  startedAt!: Date;

  @ApiProperty({ nullable: true, type: Date })
  endedAt!: Date | null;

  @ApiProperty({ example: 95.2 })
  durationSeconds!: number;

  @ApiProperty({ enum: END_REASONS, nullable: true, example: 'stopped_by_moderator' })
  endReason!: EndReason | null;

  @ApiProperty({ type: UserRefDto, nullable: true, description: 'The moderator or admin who stopped it' })
  stoppedBy!: UserRefDto | null;

  @ApiProperty({ example: 31_250_000 })
  bytesIn!: number;

  @ApiProperty({ nullable: true, type: String, example: 'avc1.64001f' })
  videoCodec!: string | null;

  @ApiProperty({ nullable: true, type: String, example: 'mp4a.40.2' })
  audioCodec!: string | null;

  @ApiProperty({ nullable: true, type: Number, example: 1280 })
  width!: number | null;

  @ApiProperty({ nullable: true, type: Number, example: 720 })
  height!: number | null;

  @ApiProperty({ nullable: true, type: Number, example: 2_600_000, description: 'bits/s' })
  avgBitrate!: number | null;

  @ApiProperty({ description: 'Still live' })
  live!: boolean;
}

export class SessionPageDto {
  @ApiProperty({ type: [SessionDto] })
  items!: SessionDto[];

  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Pass as `cursor` for the next (older) page; null at the end',
  })
  nextCursor!: string | null;
}

export class SessionsFilterDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Owner (moderators, admins)' })
  @IsOptional()
  @IsUUID()
  userId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  streamKeyId?: string;

  @ApiPropertyOptional({ description: 'Started at or after' })
  @IsOptional()
  @IsDateString()
  from?: string;

  @ApiPropertyOptional({ description: 'Started before' })
  @IsOptional()
  @IsDateString()
  to?: string;

  @ApiPropertyOptional({ enum: END_REASONS })
  @IsOptional()
  @IsIn(END_REASONS)
  endReason?: EndReason;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}
