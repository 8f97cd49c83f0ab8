import { Column, Entity, PrimaryColumn } from 'typeorm';

export const RECORDING_STATUSES = ['recording', 'complete', 'incomplete', 'deleted'] as const;
export type RecordingStatus = (typeof RECORDING_STATUSES)[number];

/** Every session kept as a playable recording; its id is the stream session's id. */
@Entity({ name: 'recordings' })
export class RecordingEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'stream_key_id', type: 'uuid', nullable: true })
  streamKeyId!: string | null;

  @Column({ name: 'owner_id', type: 'uuid', nullable: true })
  ownerId!: string | null;

  @Column({ name: 'playback_id', type: 'varchar', length: 32 })
  playbackId!: string;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt!: Date;

  @Column({ name: 'ended_at', type: 'timestamptz', nullable: true })
  endedAt!: Date | null;

  @Column({ name: 'duration_seconds', type: 'double precision', default: 0 })
  durationSeconds!: number;

  @Column({ type: 'bigint', default: 0 })
  bytes!: string;

  @Column({ name: 'segment_count', type: 'integer', default: 0 })
  segmentCount!: number;

  @Column({ name: 'storage_backend', type: 'varchar', length: 16 })
  storageBackend!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: RecordingStatus;

  /** Segments that could not be stored (the recording plays around them). */
  @Column({ type: 'integer', default: 0 })
  gaps!: number;

  @Column({ name: 'signed_playback', type: 'boolean', default: false })
  signedPlayback!: boolean;
}
