import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * Where a stream key's live stream is pushed (restream): an RTMP(S) URL without the stream key, and the
 * target's stream key sealed with the server's SecretBox (it must be read back to publish, so it is
 * encrypted rather than hashed). Deleted with its stream key.
 */
@Entity({ name: 'push_targets' })
export class PushTargetEntity {
  /** Chosen by the service before sealing: the sealed key is bound to it. */
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'stream_key_id', type: 'uuid' })
  streamKeyId!: string;

  @Column({ type: 'varchar', length: 100 })
  label!: string;

  /** `rtmp[s]://host[:port]/app[/...]`: never the target's stream key. */
  @Column({ type: 'varchar', length: 2048 })
  url!: string;

  /** The target's stream key, sealed (`v1.<key id>.<iv>.<ciphertext>.<tag>`, bound to `id`). */
  @Column({ name: 'stream_key_sealed', type: 'text' })
  streamKeySealed!: string;

  /** The key's last characters for recognizing it (`••••abcd`), empty for short keys. */
  @Column({ name: 'stream_key_hint', type: 'varchar', length: 4 })
  streamKeyHint!: string;

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
