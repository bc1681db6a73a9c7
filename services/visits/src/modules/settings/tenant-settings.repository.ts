import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

/** The time zone a tenant without settings plans in. */
export const DEFAULT_TIME_ZONE = 'UTC';

/** Reads and writes each tenant's visit settings. */
@Injectable()
export class TenantSettingsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The tenant's IANA time zone, UTC when it never set one. */
  async timeZone(tenantId: string, manager: EntityManager = this.dataSource.manager): Promise<string> {
    const [row] = await manager.query<{ time_zone: string }[]>('SELECT time_zone FROM visits.tenant_settings WHERE tenant_id = $1', [tenantId]);
    return row?.time_zone ?? DEFAULT_TIME_ZONE;
  }

  /** Sets the tenant's time zone (already validated as an IANA name). */
  async setTimeZone(tenantId: string, timeZone: string): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO visits.tenant_settings (tenant_id, time_zone) VALUES ($1, $2)
       ON CONFLICT (tenant_id) DO UPDATE SET time_zone = $2, updated_at = now()`,
      [tenantId, timeZone],
    );
  }
}
