import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsBoolean,
  IsDateString,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';

export class CreateStreamKeyDto {
  @ApiProperty({ example: 'studio', description: 'What this key is for, e.g. "studio", "mobile"' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  label!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Admins: create the key for another user' })
  @IsOptional()
  @IsUUID()
  userId?: string;

  @ApiPropertyOptional({ description: 'Playback URLs need a short-lived signed token', default: false })
  @IsOptional()
  @IsBoolean()
  signedPlayback?: boolean;
}

export class UpdateStreamKeyDto {
  @ApiPropertyOptional({ example: 'mobile' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  label?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  signedPlayback?: boolean;
}

export class BanStreamKeyDto {
  @ApiPropertyOptional({ description: 'Ban for this many seconds (or give `until`)', example: 3600 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10 * 365 * 24 * 3600)
  seconds?: number;

  @ApiPropertyOptional({ description: 'Ban until this time' })
  @IsOptional()
  @IsDateString()
  until?: string;

  @ApiPropertyOptional({ example: 'Repeated terms-of-service violations' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}

export class PlaybackTokenRequestDto {
  @ApiPropertyOptional({
    description:
      'Lifetime in seconds, at least: the expiry is rounded up to a tenth of it (a minute at most), so that viewers ' +
      'who get a token in the same step share it (and its cached playlists)',
    default: 3600,
    minimum: 30,
    maximum: 86400,
  })
  @IsOptional()
  @IsInt()
  @Min(30)
  @Max(86400)
  ttlSeconds?: number;
}

export class StreamKeyDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'studio' })
  label!: string;

  @ApiProperty({ example: 'live_Ab3dE6g', description: 'The first characters of the key, to tell keys apart' })
  keyPrefix!: string;

  @ApiProperty({ example: 'k7m2q9x4w8r3t6yz', description: 'Public id used in playback URLs' })
  playbackId!: string;

  @ApiProperty({ format: 'uuid' })
  ownerId!: string;

  @ApiProperty({ example: 'Ada Lovelace', description: 'The owner’s display name (or e-mail)' })
  ownerName!: string;

  @ApiProperty({ example: 'https://stream.example.com/live/k7m2q9x4w8r3t6yz/index.m3u8' })
  playbackUrl!: string;

  @ApiProperty({ example: 'https://stream.example.com/embed/k7m2q9x4w8r3t6yz' })
  embedUrl!: string;

  @ApiProperty()
  signedPlayback!: boolean;

  @ApiProperty({ description: 'A publisher is live on this key right now' })
  live!: boolean;

  @ApiProperty({ nullable: true, type: Date })
  revokedAt!: Date | null;

  @ApiProperty({ nullable: true, type: Date })
  bannedUntil!: Date | null;

  @ApiProperty({ nullable: true, type: String })
  banReason!: string | null;

  @ApiProperty({ nullable: true, type: Date })
  lastUsedAt!: Date | null;

  @ApiProperty()
  createdAt!: Date;
}

export class ObsSettingsDto {
  @ApiProperty({ example: 'rtmp://stream.example.com/live' })
  server!: string;

  @ApiProperty({ example: 'live_…' })
  streamKey!: string;
}

export class CreatedStreamKeyDto extends StreamKeyDto {
  @ApiProperty({ description: 'The secret stream key. Shown only in this response.', example: 'live_…' })
  key!: string;

  @ApiProperty({ example: 'rtmp://stream.example.com/live' })
  rtmpUrl!: string;

  @ApiProperty({
    type: String,
    nullable: true,
    example: 'rtmps://stream.example.com:1936/live',
    description: 'The same ingest over TLS (OBS Server field), when the server has RTMPS on; null otherwise',
  })
  rtmpsUrl!: string | null;

  @ApiProperty({ type: ObsSettingsDto, description: 'Paste into OBS: Settings → Stream → Custom' })
  obs!: ObsSettingsDto;

  @ApiProperty({ example: 'ffmpeg -re -i input.mp4 -c copy -f flv rtmp://stream.example.com/live/live_…' })
  ffmpegCommand!: string;
}

export class PlaybackTokenDto {
  @ApiProperty()
  token!: string;

  @ApiProperty()
  expiresAt!: Date;

  @ApiProperty({ example: 'https://stream.example.com/live/k7m2q9x4w8r3t6yz/index.m3u8?token=…' })
  playbackUrl!: string;
}
