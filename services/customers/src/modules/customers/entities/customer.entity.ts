import { Column, Entity, Index } from 'typeorm';
import { type FieldStamps } from '@fieldforce/merge';
import { BaseAggregate } from '@fieldforce/persistence';

export interface CustomerContactValue {
  name: string;
  phone?: string;
  email?: string;
  title?: string;
}

// pg returns numeric as a string to keep precision; credit limits fit a double exactly enough.
const numericToNumber = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};

/** A customer the field force visits: master data, grade, location and ownership. */
@Entity({ name: 'customers' })
@Index('customers_tenant_external_id_key', ['tenantId', 'externalId'], { unique: true, where: 'deleted_at IS NULL AND external_id IS NOT NULL' })
export class Customer extends BaseAggregate {
  @Column('text')
  name!: string;

  @Column('text')
  grade!: string;

  @Column('double precision', { nullable: true })
  lat!: number | null;

  @Column('double precision', { nullable: true })
  lng!: number | null;

  @Column('text', { nullable: true })
  address!: string | null;

  @Column('jsonb', { default: () => `'[]'::jsonb` })
  contacts!: CustomerContactValue[];

  @Column('text', { array: true, default: () => `'{}'::text[]` })
  tags!: string[];

  @Column('text', { nullable: true })
  externalId!: string | null;

  @Column('uuid', { nullable: true })
  ownerId!: string | null;

  @Column('text', { nullable: true })
  orgPath!: string | null;

  @Column('numeric', { precision: 14, scale: 2, nullable: true, transformer: numericToNumber })
  creditLimit!: number | null;

  @Column('jsonb', { default: () => `'{}'::jsonb` })
  customFields!: Record<string, unknown>;

  /** Per field (and `$deleted`), the version and writer's role rank of its last change: what sync merges decide by. */
  @Column('jsonb', { default: () => `'{}'::jsonb` })
  fieldStamps!: FieldStamps;
}
