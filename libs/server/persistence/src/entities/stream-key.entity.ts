import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/**
 * A per-user publishing credential. The secret itself is never stored: `keyHash` is its SHA-256
 * (the key is 32 random bytes, so a fast hash is enough) and `keyPrefix` narrows the lookup.
 */
@Entity({ name: 'stream_keys' })
export class StreamKeyEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'owner_id', type: 'uuid' })
  ownerId!: string;

  @Column({ type: 'varchar', length: 100 })
  label!: string;

  @Column({ name: 'key_hash', type: 'varchar', length: 64 })
  keyHash!: string;

  @Column({ name: 'key_prefix', type: 'varchar', length: 16 })
  keyPrefix!: string;

  /** Public id used in playback URLs; never the key. */
  @Column({ name: 'playback_id', type: 'varchar', length: 32 })
  playbackId!: string;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  @Column({ name: 'banned_until', type: 'timestamptz', nullable: true })
  bannedUntil!: Date | null;

  @Column({ name: 'ban_reason', type: 'text', nullable: true })
  banReason!: string | null;

  /** Playback URLs need a short-lived signed token. */
  @Column({ name: 'signed_playback', type: 'boolean', default: false })
  signedPlayback!: boolean;

  /** Sessions on this key are kept as recordings. */
  @Column({ name: 'recording_enabled', type: 'boolean', default: true })
  recordingEnabled!: boolean;

  /** Overrides RECORDING_RETENTION_DAYS for this key. */
  @Column({ name: 'recording_retention_days', type: 'integer', nullable: true })
  recordingRetentionDays!: number | null;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
