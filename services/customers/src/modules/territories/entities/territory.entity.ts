import { Column, Entity } from 'typeorm';
import { BaseAggregate } from '@fieldforce/persistence';
import { type AreaGeometry } from '../../geo/geometry';

/** An area (GeoJSON polygon or multipolygon) whose customers belong to a rep, or to the reps of an org unit. */
@Entity({ name: 'territories' })
export class Territory extends BaseAggregate {
  @Column('text')
  name!: string;

  /** The rep the territory's customers go to; null for an org unit's territory. */
  @Column('uuid', { nullable: true })
  ownerId!: string | null;

  /** The org unit whose reps share the territory; null for a rep's territory. */
  @Column('uuid', { nullable: true })
  orgUnitId!: string | null;

  /** The owner's or the org unit's path, kept in step with them: decides who sees the territory. */
  @Column('text')
  orgPath!: string;

  @Column('jsonb')
  geometry!: AreaGeometry;

  @Column('double precision')
  minLat!: number;

  @Column('double precision')
  maxLat!: number;

  @Column('double precision')
  minLng!: number;

  @Column('double precision')
  maxLng!: number;
}
