import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn, VersionColumn } from 'typeorm';
import { type CheckInPhase, type CheckInReview, type CheckInStatus, type TrustReason } from '@fieldforce/contracts';

/** A visit's check-in at a customer, its check-out once made, the trust verdict and any review. */
@Entity({ name: 'check_ins' })
export class CheckIn {
  // Client-created, so a retried check-in finds the first.
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid')
  tenantId!: string;

  @Column('uuid')
  userId!: string;

  @Column('text')
  orgPath!: string;

  @Column('text')
  deviceId!: string;

  @Column('uuid')
  customerId!: string;

  @Column('uuid', { nullable: true })
  taskId!: string | null;

  @Column('boolean')
  offline!: boolean;

  @Column('text')
  status!: CheckInStatus;

  @Column('smallint')
  trustScore!: number;

  @Column('text', { array: true })
  reasons!: TrustReason[];

  @Column('jsonb')
  checkIn!: CheckInPhase;

  @Column('timestamptz')
  checkedInAt!: Date;

  @Column('jsonb', { nullable: true })
  checkOut!: CheckInPhase | null;

  @Column('timestamptz', { nullable: true })
  checkedOutAt!: Date | null;

  @Column('integer', { nullable: true })
  durationS!: number | null;

  @Column('jsonb', { nullable: true })
  review!: CheckInReview | null;

  @VersionColumn()
  version!: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
