import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One stored media segment of a recording, in playlist order (by msn). */
@Entity({ name: 'recording_segments' })
export class RecordingSegmentEntity {
  @PrimaryColumn({ name: 'recording_id', type: 'uuid' })
  recordingId!: string;

  @PrimaryColumn({ type: 'integer' })
  msn!: number;

  @Column({ type: 'varchar', length: 64 })
  name!: string;

  @Column({ name: 'init_name', type: 'varchar', length: 64 })
  initName!: string;

  @Column({ type: 'double precision' })
  duration!: number;

  @Column({ type: 'boolean', default: false })
  discontinuity!: boolean;

  @Column({ type: 'integer' })
  bytes!: number;

  @Column({ name: 'program_date_time', type: 'timestamptz' })
  programDateTime!: Date;

  /** `pending` until the write-behind upload lands; `failed` marks a gap. */
  @Column({ type: 'varchar', length: 8, default: 'pending' })
  state!: 'pending' | 'stored' | 'failed';
}
