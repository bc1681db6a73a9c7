import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A user of the tenant as the permissions service last described them (read model, never edited here). */
@Entity({ name: 'users' })
export class DirectoryUser {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid')
  tenantId!: string;

  @Column('text')
  displayName!: string;

  @Column('uuid')
  orgUnitId!: string;

  @Column('text')
  orgPath!: string;

  @Column('text', { array: true })
  roles!: string[];

  @Column('boolean')
  active!: boolean;

  @Column('integer')
  version!: number;

  @Column('timestamptz')
  updatedAt!: Date;
}
