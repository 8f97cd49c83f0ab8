import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** A URL that receives signed event deliveries. */
@Entity({ name: 'webhook_endpoints' })
export class WebhookEndpointEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 2048 })
  url!: string;

  @Column({ type: 'varchar', length: 500, nullable: true })
  description!: string | null;

  /**
   * `whsec_…`, kept in clear text because signing needs it (unlike stream keys and tokens, which are
   * only compared and so stored hashed). Returned once, at creation.
   */
  @Column({ type: 'varchar', length: 64 })
  secret!: string;

  /** Subscribed event types; empty means every type. */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  events!: string[];

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
