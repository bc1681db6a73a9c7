import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An org unit as the permissions service last described it (read model): what a territory may name. */
@Entity({ name: 'org_units' })
export class OrgUnit {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid')
  tenantId!: string;

  @Column('text')
  name!: string;

  @Column('text')
  path!: string;

  @Column('integer')
  version!: number;

  @Column('timestamptz')
  updatedAt!: Date;
}
