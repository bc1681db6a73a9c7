import { Injectable } from '@nestjs/common';
import { Brackets, DataSource, type SelectQueryBuilder } from 'typeorm';
import { applyDataScope, type ScopeSubject } from '@fieldforce/auth';
import { boundingBox, type LatLng, sphereDistanceSql } from '../geo/geo';
import { SpatialSupport } from '../geo/spatial-support';
import { Customer } from './entities/customer.entity';
import { type ListPosition } from './list-cursor';

/** Filters of a customer list; all given ones must hold. */
export interface CustomerFilters {
  grades?: string[];
  ownerIds?: string[];
  /** Every one of these tags. */
  tags?: string[];
  /** Found in the name or address, case-insensitively. */
  text?: string;
  updatedSince?: Date;
  /** Only customers within `radiusM` of `center`, nearest first. */
  near?: { center: LatLng; radiusM: number };
}

/** A listed customer, with its distance in a `near` search. */
export interface ListedCustomer {
  customer: Customer;
  distanceM?: number;
}

// The expression the trigram index covers (CustomerSearch migration): keep them identical.
const SEARCH_TEXT = `("customer"."name" || ' ' || coalesce("customer"."address", ''))`;
const POSTGIS_POINT = 'ST_SetSRID(ST_MakePoint(CAST(:nearLng AS double precision), CAST(:nearLat AS double precision)), 4326)::geography';

function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

/** The customer queries beyond single rows: lists with filters, keyset pages and spatial search. */
@Injectable()
export class CustomersRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly spatial: SpatialSupport,
  ) {}

  /**
   * Up to `limit` live customers of the subject's data scope matching `filters`, after `after`:
   * ordered by id, or in a `near` search by distance then id (keyset pages, so rows written
   * meanwhile never shift a page boundary).
   */
  async list(subject: ScopeSubject, filters: CustomerFilters, after: ListPosition | undefined, limit: number): Promise<ListedCustomer[]> {
    const query = this.dataSource.getRepository(Customer).createQueryBuilder('customer');
    applyDataScope(query, subject);
    this.applyFilters(query, filters);
    if (filters.near) {
      const distance = this.applyNear(query, filters.near.center, filters.near.radiusM);
      if (after) {
        query.andWhere(
          new Brackets((keyset) =>
            keyset
              .where(`${distance} > :afterDistance`)
              .orWhere(new Brackets((tie) => tie.where(`${distance} = :afterDistance`).andWhere('customer.id > :afterId'))),
          ),
          { afterDistance: after.distanceM ?? 0, afterId: after.id },
        );
      }
      query.addSelect(distance, 'distance_m').orderBy('distance_m', 'ASC').addOrderBy('customer.id', 'ASC').limit(limit);
      const { entities, raw } = await query.getRawAndEntities<{ distance_m: number }>();
      return entities.map((customer, index) => ({ customer, distanceM: Number(raw[index]!.distance_m) }));
    }
    if (after) query.andWhere('customer.id > :afterId', { afterId: after.id });
    const customers = await query.orderBy('customer.id', 'ASC').limit(limit).getMany();
    return customers.map((customer) => ({ customer }));
  }

  private applyFilters(query: SelectQueryBuilder<Customer>, filters: CustomerFilters): void {
    if (filters.grades?.length) query.andWhere('customer.grade IN (:...grades)', { grades: filters.grades });
    if (filters.ownerIds?.length) query.andWhere('customer.ownerId IN (:...ownerIds)', { ownerIds: filters.ownerIds });
    if (filters.tags?.length) query.andWhere('customer.tags @> CAST(:tags AS text[])', { tags: filters.tags });
    if (filters.text) query.andWhere(`${SEARCH_TEXT} ILIKE :text`, { text: likePattern(filters.text) });
    if (filters.updatedSince) query.andWhere('customer.updatedAt > :updatedSince', { updatedSince: filters.updatedSince });
  }

  /** Restricts to the circle and answers the SQL of the distance in metres, the same on both backends. */
  private applyNear(query: SelectQueryBuilder<Customer>, center: LatLng, radiusM: number): string {
    query.setParameters({ nearLat: center.lat, nearLng: center.lng, radiusM });
    if (this.spatial.backend === 'postgis') {
      // use_spheroid false: the sphere distance, as the plain path computes it.
      query.andWhere(`ST_DWithin("customer"."geog", ${POSTGIS_POINT}, :radiusM, false)`);
      return `ST_Distance("customer"."geog", ${POSTGIS_POINT}, false)`;
    }
    const distance = sphereDistanceSql('"customer"."lat"', '"customer"."lng"', 'CAST(:nearLat AS double precision)', 'CAST(:nearLng AS double precision)');
    const box = boundingBox(center, radiusM);
    query.andWhere('customer.lat BETWEEN :minLat AND :maxLat', { minLat: box.minLat, maxLat: box.maxLat });
    query.andWhere(
      new Brackets((ranges) => {
        box.lngRanges.forEach(([west, east], index) => {
          ranges.orWhere(`customer.lng BETWEEN :west${index} AND :east${index}`, { [`west${index}`]: west, [`east${index}`]: east });
        });
      }),
    );
    query.andWhere(`${distance} <= :radiusM`);
    return distance;
  }
}
