import { Column, Entity } from 'typeorm';
import { BaseAggregate } from '@fieldforce/persistence';

/** A node of a tenant's organisation tree (company → region → team …). */
@Entity({ name: 'org_units' })
export class OrgUnit extends BaseAggregate {
  @Column('text')
  name!: string;

  /** Null for the tenant's root unit only. */
  @Column('uuid', { nullable: true })
  parentId!: string | null;

  /** ltree path from the root, one label per unit (see `orgPathLabel`). */
  @Column('ltree')
  path!: string;
}
