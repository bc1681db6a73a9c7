import { Column, Entity } from 'typeorm';
import { type DataScope, type FieldRule } from '@fieldforce/contracts';
import { BaseAggregate } from '@fieldforce/persistence';

/** A tenant's role: what it may do (actions), on which data (scope), and which fields it may not read or write. */
@Entity({ name: 'roles' })
export class Role extends BaseAggregate {
  /** Immutable once created: tokens, users and other services' policy stores refer to roles by name. */
  @Column('text')
  name!: string;

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

  @Column('boolean')
  builtIn!: boolean;
}
