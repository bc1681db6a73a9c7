import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Per-tenant customer settings: the grade list (highest first), the custom field definitions and
 * the sync conflict policy. A tenant without a row has the defaults (A/B/C/D, no custom fields, `rank`).
 */
export class CustomerSettings1795660000400 implements MigrationInterface {
  name = 'CustomerSettings1795660000400';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE customers.tenant_settings (
        tenant_id       uuid PRIMARY KEY,
        grades          text[] NOT NULL CHECK (cardinality(grades) >= 1),
        custom_fields   jsonb NOT NULL DEFAULT '[]'::jsonb,
        conflict_policy text NOT NULL DEFAULT 'rank' CHECK (conflict_policy IN ('rank', 'server-wins', 'client-wins')),
        version         integer NOT NULL CHECK (version >= 1),
        updated_at      timestamptz NOT NULL DEFAULT now()
      )`);
    // The grades in use by a tenant's live customers (a grade cannot be removed while used).
    await queryRunner.query(`CREATE INDEX customers_tenant_grade_idx ON customers.customers (tenant_id, grade) WHERE deleted_at IS NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX customers.customers_tenant_grade_idx`);
    await queryRunner.query(`DROP TABLE customers.tenant_settings`);
  }
}
