import { type MigrationInterface, type QueryRunner } from 'typeorm';
import { type DataScope, type FieldRule, type RolePolicy, uuidv7 } from '@fieldforce/contracts';
import { OutboxPublisher } from '@fieldforce/messaging';

const REVIEW = 'checkin:review';

interface RoleRow {
  id: string;
  tenant_id: string;
  name: string;
  rank: number;
  scope: DataScope;
  requires_totp: boolean;
  actions: string[];
  field_rules: Record<string, FieldRule>;
  version: number;
  built_in: boolean;
  updated_at: Date;
}

const toPolicy = (row: RoleRow, actions: string[], version: number): RolePolicy => ({
  id: row.id,
  tenantId: row.tenant_id,
  name: row.name,
  rank: row.rank,
  scope: row.scope,
  requiresTotp: row.requires_totp,
  actions,
  fieldRules: row.field_rules,
  version,
  builtIn: row.built_in,
  updatedAt: row.updated_at.toISOString(),
});

/**
 * The built-in supervisor and regional_manager roles now grant `checkin:review`. Tenants created
 * earlier hold their own copies of the built-ins, so those copies gain the action here, announced
 * by `role.updated` (other services' policy stores follow the events) and audited as a platform
 * change. A role whose actions already grant it (`checkin:*`, `*`) is left alone.
 */
export class BuiltInRolesReviewCheckIns1795650000001 implements MigrationInterface {
  name = 'BuiltInRolesReviewCheckIns1795650000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    const before = await queryRunner.manager.query<RoleRow[]>(
      `SELECT * FROM permissions.roles
       WHERE built_in AND deleted_at IS NULL AND name IN ('supervisor', 'regional_manager')
         AND NOT actions && ARRAY[$1, 'checkin:*', '*']::text[]
       ORDER BY id
       FOR UPDATE`,
      [REVIEW],
    );
    if (before.length === 0) return;
    // An UPDATE … RETURNING answers [rows, affected count] through the pg driver.
    const [after] = await queryRunner.manager.query<[RoleRow[], number]>(
      `UPDATE permissions.roles SET actions = array_append(actions, $1), version = version + 1, updated_at = now()
       WHERE id = ANY($2::uuid[])
       RETURNING *`,
      [REVIEW, before.map((row) => row.id)],
    );
    const updated = new Map(after.map((row) => [row.id, row]));
    const outbox = new OutboxPublisher({ service: 'permissions', schema: 'permissions' });
    for (const row of before) {
      const next = updated.get(row.id)!;
      const policy = toPolicy(next, next.actions, next.version);
      await outbox.publish(queryRunner.manager, 'fieldforce.permissions.role.updated.v1', {
        subject: row.id,
        tenantId: row.tenant_id,
        data: { role: policy, changedFields: ['actions'] },
      });
      await queryRunner.query(
        `INSERT INTO permissions.audit_log (id, tenant_id, actor_id, entity, entity_id, action, before, after)
         VALUES ($1, $2, NULL, 'role', $3, 'updated', $4::jsonb, $5::jsonb)`,
        [uuidv7(), row.tenant_id, row.id, JSON.stringify(toPolicy(row, row.actions, row.version)), JSON.stringify(policy)],
      );
    }
  }

  // Which tenants would have granted the action by themselves is not known: the grant stays.
  async down(): Promise<void> {}
}
