import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { type AuthenticatedUser } from '@fieldforce/auth';
import { type OrgUnitState, type UserState } from '@fieldforce/contracts';

// Users whose token this replica has already recorded, so a busy device costs no query per batch.
const REMEMBERED_LIMIT = 100_000;

/**
 * Who sits where: the local read model of the permissions service's users and org units, fed by
 * their events, which the data scope of tracks and live positions is checked against. A user not
 * yet announced by an event is known from their own token.
 */
@Injectable()
export class DirectoryService {
  private readonly remembered = new Set<string>();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Records the user's org path from their token, unless an event already told where they sit. */
  async rememberUser(user: Pick<AuthenticatedUser, 'userId' | 'tenantId' | 'orgPath'>): Promise<void> {
    const key = `${user.userId}|${user.orgPath}`;
    if (this.remembered.has(key)) return;
    await this.dataSource.query(
      `INSERT INTO checkins.users (id, tenant_id, org_path, version) VALUES ($1, $2, $3, 0)
       ON CONFLICT (id) DO UPDATE SET org_path = EXCLUDED.org_path, updated_at = now()
       WHERE users.version = 0 AND users.tenant_id = EXCLUDED.tenant_id AND users.org_path <> EXCLUDED.org_path`,
      [user.userId, user.tenantId, user.orgPath],
    );
    if (this.remembered.size >= REMEMBERED_LIMIT) this.remembered.clear();
    this.remembered.add(key);
  }

  /** The org path of an active user of the tenant, if known. */
  async userOrgPath(tenantId: string, userId: string): Promise<string | undefined> {
    const [row] = await this.dataSource.query<{ orgPath: string }[]>(
      `SELECT org_path AS "orgPath" FROM checkins.users WHERE id = $1 AND tenant_id = $2 AND active`,
      [userId, tenantId],
    );
    return row?.orgPath;
  }

  /** The org paths of the given users of the tenant (active ones only). */
  async orgPathsOf(tenantId: string, userIds: readonly string[]): Promise<Map<string, string>> {
    if (userIds.length === 0) return new Map();
    const rows = await this.dataSource.query<{ id: string; orgPath: string }[]>(
      `SELECT id, org_path AS "orgPath" FROM checkins.users WHERE tenant_id = $1 AND id = ANY($2::uuid[]) AND active`,
      [tenantId, userIds],
    );
    return new Map(rows.map((row) => [row.id, row.orgPath]));
  }

  /** The active users of the tenant sitting in the unit at `orgPath` or below it. */
  async usersUnder(tenantId: string, orgPath: string): Promise<{ id: string; orgPath: string }[]> {
    const below = `${orgPath.replace(/[\\%_]/g, (char) => `\\${char}`)}.%`;
    return this.dataSource.query(
      `SELECT id, org_path AS "orgPath" FROM checkins.users
       WHERE tenant_id = $1 AND active AND (org_path = $2 OR org_path LIKE $3)`,
      [tenantId, orgPath, below],
    );
  }

  /** The path of one of the tenant's org units, if known. */
  async orgUnitPath(tenantId: string, orgUnitId: string): Promise<string | undefined> {
    const [row] = await this.dataSource.query<{ path: string }[]>(
      `SELECT path FROM checkins.org_units WHERE id = $1 AND tenant_id = $2`,
      [orgUnitId, tenantId],
    );
    return row?.path;
  }

  /** Applies a user event's state, unless a newer one was applied already. */
  async applyUser(manager: EntityManager, user: UserState): Promise<void> {
    await manager.query(
      `INSERT INTO checkins.users (id, tenant_id, org_path, active, version) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (id) DO UPDATE
         SET tenant_id = EXCLUDED.tenant_id, org_path = EXCLUDED.org_path, active = EXCLUDED.active,
             version = EXCLUDED.version, updated_at = now()
       WHERE users.version < EXCLUDED.version`,
      [user.id, user.tenantId, user.orgPath, user.active, user.version],
    );
  }

  /** Applies an org-unit event's state, unless a newer one was applied already. */
  async applyOrgUnit(manager: EntityManager, orgUnit: OrgUnitState): Promise<void> {
    await manager.query(
      `INSERT INTO checkins.org_units (id, tenant_id, path, version) VALUES ($1, $2, $3, $4)
       ON CONFLICT (id) DO UPDATE SET path = EXCLUDED.path, version = EXCLUDED.version, updated_at = now()
       WHERE org_units.version < EXCLUDED.version`,
      [orgUnit.id, orgUnit.tenantId, orgUnit.path, orgUnit.version],
    );
  }
}
