import { Column, Entity, PrimaryColumn } from 'typeorm';
import { type DataScope, type FieldRule } from '@fieldforce/contracts';

/**
 * A role policy as a service keeps it locally (table `role_policies` in the service's own
 * schema), fed by the permissions service's role events.
 */
@Entity({ name: 'role_policies' })
export class RolePolicyEntity {
  @PrimaryColumn('uuid')
  tenantId!: string;

  @PrimaryColumn('text')
  name!: string;

  /** The role's id in the permissions service. */
  @Column('uuid')
  id!: string;

  @Column('integer')
  rank!: number;

  @Column('text')
  scope!: DataScope;

  @Column('boolean')
  requiresTotp!: boolean;

  @Column('text', { array: true })
  actions!: string[];

  @Column('jsonb')
  fieldRules!: Record<string, FieldRule>;

  /** The role's version in the permissions service; only a newer one replaces the row. */
  @Column('integer')
  version!: number;

  @Column('boolean')
  builtIn!: boolean;

  /** When the role last changed in the permissions service. */
  @Column('timestamptz')
  updatedAt!: Date;

  /** When this service last applied a change of the role. */
  @Column('timestamptz', { default: () => 'now()' })
  receivedAt!: Date;
}
