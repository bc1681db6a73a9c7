import { Column, Entity } from 'typeorm';
import { BaseAggregate } from '@fieldforce/persistence';

// pg returns bigint as a string; time steps fit a double exactly.
const bigintToNumber = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};

/** A person who logs in: sits in one org unit, has roles, may have a TOTP second factor. */
@Entity({ name: 'users' })
export class User extends BaseAggregate {
  /** Lower-case; unique per tenant. */
  @Column('text')
  username!: string;

  @Column('text')
  displayName!: string;

  @Column('uuid')
  orgUnitId!: string;

  /** The org unit's path, kept in step with it. */
  @Column('ltree')
  orgPath!: string;

  /** Role names of the tenant. */
  @Column('text', { array: true })
  roles!: string[];

  @Column('boolean')
  active!: boolean;

  /** argon2id hash; never leaves the service. */
  @Column('text', { select: false })
  passwordHash!: string;

  /** Sealed (SecretBox) TOTP secret of an enrolled user. */
  @Column('text', { nullable: true, select: false })
  totpSecret!: string | null;

  /** Sealed secret handed out by TOTP setup and not yet confirmed by a code. */
  @Column('text', { nullable: true, select: false })
  totpPendingSecret!: string | null;

  @Column('boolean')
  totpEnabled!: boolean;

  @Column('bigint', { nullable: true, transformer: bigintToNumber, select: false })
  totpLastStep!: number | null;
}
