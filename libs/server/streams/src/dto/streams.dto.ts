import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { PushTargetStatusDto } from './push-target-status.dto.js';

export class VideoTrackDto {
  @ApiProperty({ example: 'avc1.64001f' })
  codec!: string;

  @ApiProperty({ example: 1280 })
  width!: number;

  @ApiProperty({ example: 720 })
  height!: number;

  @ApiPropertyOptional({ example: 30, description: 'Frame rate signalled by the encoder (SPS timing)' })
  frameRate?: number;
}

export class AudioTrackDto {
  @ApiProperty({ example: 'mp4a.40.2' })
  codec!: string;

  @ApiProperty({ example: 48000 })
  sampleRate!: number;

  @ApiProperty({ example: 2 })
  channels!: number;
}

export class IngestSecondDto {
  @ApiProperty({ description: 'Unix time, seconds' })
  at!: number;

  @ApiProperty({ description: 'Bits received in that second' })
  bits!: number;

  @ApiProperty()
  frames!: number;

  @ApiProperty()
  keyframes!: number;
}

export class LiveStreamDto {
  @ApiProperty({ format: 'uuid', description: 'The stream session id' })
  id!: string;

  @ApiProperty({ example: 'rapidrtmp-0', description: 'The node the publisher is connected to (NODE_ID)' })
  nodeId!: string;

  @ApiProperty({ example: 'k7m2q9x4w8r3t6yz' })
  playbackId!: string;

  @ApiProperty({ format: 'uuid' })
  streamKeyId!: string;

  @ApiProperty({ example: 'studio' })
  keyLabel!: string;

  @ApiProperty({ format: 'uuid' })
  ownerId!: string;

  @ApiProperty({ example: 'Ada Lovelace' })
  ownerName!: string;

  @ApiProperty()
  startedAt!: Date;

  @ApiProperty({ example: 125.4 })
  durationSeconds!: number;

  @ApiPropertyOptional({ type: VideoTrackDto })
  video?: VideoTrackDto;

  @ApiPropertyOptional({ type: AudioTrackDto })
  audio?: AudioTrackDto;

  @ApiProperty({ example: 2_500_000, description: 'Ingest bit rate over the last 5 s (bits/s)' })
  ingestBitrate!: number;

  @ApiProperty({ example: 29.97, description: 'Measured video frames per second over the last 5 s' })
  fps!: number;

  @ApiPropertyOptional({ example: 2000, description: 'Milliseconds between the last two keyframes' })
  keyframeIntervalMs?: number;

  @ApiProperty({ example: 0, description: 'Frames dropped before packaging (malformed or before a keyframe)' })
  droppedFrames!: number;

  @ApiProperty({ example: 12, description: 'Distinct HLS clients in the last 30 s (estimate)' })
  viewers!: number;

  @ApiProperty()
  bytesIn!: number;

  @ApiProperty({ example: 'https://stream.example.com/live/k7m2q9x4w8r3t6yz/index.m3u8' })
  playbackUrl!: string;

  @ApiProperty()
  signedPlayback!: boolean;
}

export class LiveStreamDetailDto extends LiveStreamDto {
  @ApiProperty({ type: [IngestSecondDto], description: 'Per-second ingest over the last five minutes' })
  timeline!: IngestSecondDto[];

  @ApiProperty({ type: [PushTargetStatusDto], description: 'Restream: where each push target of the key stands' })
  pushTargets!: PushTargetStatusDto[];
}

export class StopStreamDto {
  @ApiPropertyOptional({ description: 'Also ban the stream key for this many seconds', example: 3600 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10 * 365 * 24 * 3600)
  banSeconds?: number;

  @ApiPropertyOptional({ example: 'Off-topic content' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}
