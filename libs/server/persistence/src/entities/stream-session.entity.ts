import type { EndReason } from '@rapidrtmp/server-domain';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One publish, from accept to end: the stream history. */
@Entity({ name: 'stream_sessions' })
export class StreamSessionEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'stream_key_id', type: 'uuid', nullable: true })
  streamKeyId!: string | null;

  @Column({ name: 'owner_id', type: 'uuid', nullable: true })
  ownerId!: string | null;

  @Column({ name: 'node_id', type: 'varchar', length: 128 })
  nodeId!: string;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt!: Date;

  @Column({ name: 'ended_at', type: 'timestamptz', nullable: true })
  endedAt!: Date | null;

  @Column({ name: 'end_reason', type: 'varchar', length: 32, nullable: true })
  endReason!: EndReason | null;

  @Column({ name: 'stopped_by', type: 'uuid', nullable: true })
  stoppedBy!: string | null;

  /** bigint comes back from pg as a string; kept as string to stay exact past 2^53. */
  @Column({ name: 'bytes_in', type: 'bigint', default: 0 })
  bytesIn!: string;

  @Column({ name: 'video_codec', type: 'varchar', length: 64, nullable: true })
  videoCodec!: string | null;

  @Column({ name: 'audio_codec', type: 'varchar', length: 64, nullable: true })
  audioCodec!: string | null;

  @Column({ type: 'integer', nullable: true })
  width!: number | null;

  @Column({ type: 'integer', nullable: true })
  height!: number | null;

  @Column({ name: 'avg_bitrate', type: 'integer', nullable: true })
  avgBitrate!: number | null;
}
