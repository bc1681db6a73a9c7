import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** Per-tenant settings of the visits service; a tenant without a row plans in UTC. */
export class TenantSettings1795590000411 implements MigrationInterface {
  name = 'TenantSettings1795590000411';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE visits.tenant_settings (
        tenant_id uuid PRIMARY KEY,
        time_zone text NOT NULL DEFAULT 'UTC',
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE visits.tenant_settings');
  }
}
