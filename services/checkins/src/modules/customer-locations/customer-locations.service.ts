import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { type CustomerState } from '@fieldforce/contracts';
import { InjectConfig } from '@fieldforce/platform';
import { haversineM, type LatLng } from '../../common/geo';
import { type CheckinsConfig } from '../../config/checkins.config';

/** What this service knows of a customer: where it is and how close counts as being there. */
export interface CustomerLocation {
  id: string;
  tenantId: string;
  name: string;
  location: LatLng | null;
  geofenceRadiusM: number;
}

/** A customer whose geofence holds a point, and how far the point is from its centre. */
export type CustomerAtPoint = CustomerLocation & { location: LatLng; distanceM: number };

const DEG_LAT_M = 111_195;

/**
 * The local read model of customers' locations, fed by the customers service's events, so
 * check-ins and stops are judged against customers while that service is down.
 */
@Injectable()
export class CustomerLocationsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectConfig() private readonly config: CheckinsConfig,
  ) {}

  /**
   * The tenant's customer, unless unknown or deleted. Inside a transaction, pass its `manager`:
   * a second pooled connection asked for while one is held deadlocks a busy pool.
   */
  async find(tenantId: string, customerId: string, manager: EntityManager = this.dataSource.manager): Promise<CustomerLocation | undefined> {
    const [row] = await manager.query<{ id: string; name: string; lat: number | null; lng: number | null }[]>(
      `SELECT id, name, lat, lng FROM checkins.customers WHERE id = $1 AND tenant_id = $2 AND NOT deleted`,
      [customerId, tenantId],
    );
    return row && this.toLocation(tenantId, row);
  }

  /** The tenant's customer whose geofence holds `point` with the nearest centre, if any. */
  async at(tenantId: string, point: LatLng): Promise<CustomerAtPoint | undefined> {
    const radius = this.config.checkIns.defaultGeofenceRadiusM;
    const dLat = radius / DEG_LAT_M;
    const dLng = radius / (DEG_LAT_M * Math.max(Math.cos((point.lat * Math.PI) / 180), 0.01));
    const rows = await this.dataSource.query<{ id: string; name: string; lat: number; lng: number }[]>(
      `SELECT id, name, lat, lng FROM checkins.customers
       WHERE tenant_id = $1 AND NOT deleted AND lat IS NOT NULL
         AND lat BETWEEN $2 AND $3 AND lng BETWEEN $4 AND $5`,
      [tenantId, point.lat - dLat, point.lat + dLat, point.lng - dLng, point.lng + dLng],
    );
    return rows
      .map((row) => ({ ...this.toLocation(tenantId, row), location: { lat: row.lat, lng: row.lng }, distanceM: haversineM(point, row) }))
      .filter((customer) => customer.distanceM <= customer.geofenceRadiusM)
      .sort((a, b) => a.distanceM - b.distanceM)[0];
  }

  /** Applies a customer event's state, unless a newer one was applied already. */
  async apply(manager: EntityManager, customer: CustomerState): Promise<void> {
    await manager.query(
      `INSERT INTO checkins.customers (id, tenant_id, name, lat, lng, owner_id, org_path, deleted, version)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (id) DO UPDATE
         SET name = EXCLUDED.name, lat = EXCLUDED.lat, lng = EXCLUDED.lng, owner_id = EXCLUDED.owner_id,
             org_path = EXCLUDED.org_path, deleted = EXCLUDED.deleted, version = EXCLUDED.version, updated_at = now()
       WHERE customers.version < EXCLUDED.version AND customers.tenant_id = EXCLUDED.tenant_id`,
      [
        customer.id,
        customer.tenantId,
        customer.name,
        customer.location?.lat ?? null,
        customer.location?.lng ?? null,
        customer.ownerId,
        customer.orgPath,
        customer.deletedAt !== null,
        customer.version,
      ],
    );
  }

  private toLocation(tenantId: string, row: { id: string; name: string; lat: number | null; lng: number | null }): CustomerLocation {
    return {
      id: row.id,
      tenantId,
      name: row.name,
      location: row.lat === null || row.lng === null ? null : { lat: row.lat, lng: row.lng },
      // Visit templates will carry a radius per customer grade; until they do, one radius for all.
      geofenceRadiusM: this.config.checkIns.defaultGeofenceRadiusM,
    };
  }
}
