import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Where a rep starts their day: the `nearest` assignment strategy measures from here. */
@Entity({ name: 'rep_home_bases' })
export class RepHomeBase {
  @PrimaryColumn('uuid')
  tenantId!: string;

  @PrimaryColumn('uuid')
  userId!: string;

  @Column('double precision')
  lat!: number;

  @Column('double precision')
  lng!: number;

  @Column('timestamptz')
  updatedAt!: Date;
}
