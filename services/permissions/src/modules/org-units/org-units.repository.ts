import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';
import { ORG_TREE_LOCK_SQL } from '../../common/database-errors';

/** The tree statements of org units: locking a tenant's tree, and moving a subtree with its users. */
@Injectable()
export class OrgUnitsRepository {
  /** Serialises this tenant's tree changes until the transaction ends, so the paths it reads stay true. */
  async lockTree(manager: EntityManager, tenantId: string): Promise<void> {
    await manager.query(ORG_TREE_LOCK_SQL, [tenantId]);
  }

  /**
   * Rebases every unit under `oldPath` (the unit included) onto `newPath`, re-parents (and
   * optionally renames) the unit itself, and bumps each version: one statement through the path index.
   */
  async moveSubtree(
    manager: EntityManager,
    move: { tenantId: string; unitId: string; parentId: string; name: string | undefined; oldPath: string; newPath: string },
  ): Promise<void> {
    await manager.query(
      `UPDATE permissions.org_units
       SET path = CASE WHEN path = $2::ltree THEN $3::ltree ELSE $3::ltree || subpath(path, nlevel($2::ltree)) END,
           parent_id = CASE WHEN id = $4 THEN $5::uuid ELSE parent_id END,
           name = CASE WHEN id = $4 THEN coalesce($6, name) ELSE name END,
           version = version + 1,
           updated_at = now()
       WHERE tenant_id = $1 AND path <@ $2::ltree AND deleted_at IS NULL`,
      [move.tenantId, move.oldPath, move.newPath, move.unitId, move.parentId, move.name ?? null],
    );
  }

  /** Rebases the org path of every user under `oldPath` onto `newPath`, bumping each version. */
  async moveUsersUnder(manager: EntityManager, move: { tenantId: string; oldPath: string; newPath: string }): Promise<void> {
    await manager.query(
      `UPDATE permissions.users
       SET org_path = CASE WHEN org_path = $2::ltree THEN $3::ltree ELSE $3::ltree || subpath(org_path, nlevel($2::ltree)) END,
           version = version + 1,
           updated_at = now()
       WHERE tenant_id = $1 AND org_path <@ $2::ltree AND deleted_at IS NULL`,
      [move.tenantId, move.oldPath, move.newPath],
    );
  }
}
