import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** One login of a user on a device: the family of its refresh tokens, revoked as a whole. */
@Entity({ name: 'sessions' })
export class Session {
  /** Also the `sid` claim of the session's access tokens. */
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid')
  tenantId!: string;

  @Column('uuid')
  userId!: string;

  @Column('text')
  deviceId!: string;

  /** Authentication methods of the login (`pwd`, `otp`), carried into every refreshed token. */
  @Column('text', { array: true })
  amr!: string[];

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @Column('timestamptz', { nullable: true })
  lastRefreshedAt!: Date | null;

  @Column('timestamptz', { nullable: true })
  revokedAt!: Date | null;

  @Column('text', { nullable: true })
  revokeReason!: string | null;
}
