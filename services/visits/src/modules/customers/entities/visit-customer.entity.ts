import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A customer as the customers service last described it (read model, never edited here). */
@Entity({ name: 'customers' })
export class VisitCustomer {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid')
  tenantId!: string;

  @Column('text')
  name!: string;

  @Column('text')
  grade!: string;

  @Column('double precision', { nullable: true })
  lat!: number | null;

  @Column('double precision', { nullable: true })
  lng!: number | null;

  @Column('uuid', { nullable: true })
  ownerId!: string | null;

  @Column('text', { nullable: true })
  orgPath!: string | null;

  @Column('timestamptz', { nullable: true })
  deletedAt!: Date | null;

  @Column('integer')
  version!: number;

  @Column('timestamptz')
  updatedAt!: Date;
}
