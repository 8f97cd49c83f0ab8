import { ApiProperty } from '@nestjs/swagger';

/**
 * Where a restream (push) target stands: `idle` (its key is not live), `connecting` (connect, handshake,
 * publish), `live` (media flowing), `retrying` (the last attempt failed or the connection dropped; the
 * next attempt is at `retryAt`), `disabled` (switched off).
 */
export const PUSH_TARGET_STATES = ['idle', 'connecting', 'live', 'retrying', 'disabled'] as const;
export type PushTargetState = (typeof PUSH_TARGET_STATES)[number];

export class PushTargetStatusDto {
  @ApiProperty({ format: 'uuid' })
  targetId!: string;

  @ApiProperty({ example: 'YouTube' })
  label!: string;

  @ApiProperty({ enum: PUSH_TARGET_STATES, example: 'live' })
  state!: PushTargetState;

  @ApiProperty({
    type: String,
    nullable: true,
    example: 'connect ECONNREFUSED 203.0.113.7:1935',
    description: 'Why the last attempt failed or the push dropped (never the target’s stream key)',
  })
  lastError!: string | null;

  @ApiProperty({ example: 48_213_004, description: 'Bytes sent to the target during this live stream' })
  bytesSent!: number;

  @ApiProperty({ type: Date, nullable: true, description: 'When the current push started publishing' })
  connectedAt!: Date | null;

  @ApiProperty({ type: Date, nullable: true, description: 'When the next attempt starts (state retrying)' })
  retryAt!: Date | null;

  @ApiProperty({ example: 0, description: 'Connection attempts after the first during this live stream' })
  reconnects!: number;

  @ApiProperty({ example: 0, description: 'Media packets skipped because the target read too slowly' })
  droppedPackets!: number;
}
