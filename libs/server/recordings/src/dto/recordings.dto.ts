import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDateString, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { RECORDING_STATUSES, type RecordingStatus } from '@rapidrtmp/server-persistence';

export class RecordingDto {
  @ApiProperty({ format: 'uuid', description: 'Also the id of the stream session it recorded' })
  id!: string;

  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  streamKeyId!: string | null;

  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  ownerId!: string | null;

  @ApiProperty({ example: 'k7m2q9x4w8r3t6yz' })
  playbackId!: string;

  @ApiProperty()
  startedAt!: Date;

  @ApiProperty({ nullable: true, type: Date })
  endedAt!: Date | null;

  @ApiProperty({ example: 1805.3 })
  durationSeconds!: number;

  @ApiProperty({ example: 562_000_000 })
  bytes!: number;

  @ApiProperty({ example: 903 })
  segmentCount!: number;

  @ApiProperty({ enum: ['local', 'gcs'] })
  storageBackend!: string;

  @ApiProperty({ enum: RECORDING_STATUSES })
  status!: RecordingStatus;

  @ApiProperty({ description: 'Segments that could not be stored' })
  gaps!: number;

  @ApiProperty({ example: 'https://stream.example.com/vod/…/index.m3u8' })
  playbackUrl!: string;

  @ApiProperty({ example: 'https://stream.example.com/api/v1/recordings/…/download' })
  downloadUrl!: string;
}

export class RecordingPageDto {
  @ApiProperty({ type: [RecordingDto] })
  items!: RecordingDto[];

  @ApiProperty({ nullable: true, type: String })
  nextCursor!: string | null;
}

export class RecordingsFilterDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  userId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  streamKeyId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsDateString()
  from?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsDateString()
  to?: string;

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
