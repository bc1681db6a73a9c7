import {
  BeforeInsert,
  Column,
  CreateDateColumn,
  DeleteDateColumn,
  Index,
  PrimaryColumn,
  UpdateDateColumn,
  VersionColumn,
} from 'typeorm';
import { uuidv7 } from '@fieldforce/contracts';

/**
 * Columns every aggregate table has: a client-suppliable UUID id, the owning tenant, a version
 * for optimistic concurrency, and timestamps (soft delete through `deletedAt`).
 */
export abstract class BaseAggregate {
  // Clients create records offline with their own ids; the server fills one in only when absent.
  @PrimaryColumn('uuid')
  id!: string;

  @Index()
  @Column('uuid')
  tenantId!: string;

  @VersionColumn()
  version!: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;

  @DeleteDateColumn({ type: 'timestamptz', nullable: true })
  deletedAt!: Date | null;

  @BeforeInsert()
  protected assignIdWhenAbsent(): void {
    if (!this.id) this.id = uuidv7();
  }
}

/** The columns BaseAggregate manages; an update must not set them directly. */
export type BaseAggregateColumn = keyof BaseAggregate;
