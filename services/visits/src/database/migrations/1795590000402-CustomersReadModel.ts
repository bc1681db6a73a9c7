import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** The customers as the customers service's events describe them, so planning works while it is down. */
export class CustomersReadModel1795590000402 implements MigrationInterface {
  name = 'CustomersReadModel1795590000402';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE visits.customers (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL,
        name text NOT NULL,
        grade text NOT NULL,
        lat double precision,
        lng double precision,
        owner_id uuid,
        org_path text,
        deleted_at timestamptz,
        version integer NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await queryRunner.query(
      'CREATE INDEX customers_tenant_grade_idx ON visits.customers (tenant_id, grade) WHERE deleted_at IS NULL',
    );
    await queryRunner.query(
      'CREATE INDEX customers_tenant_owner_idx ON visits.customers (tenant_id, owner_id) WHERE deleted_at IS NULL',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE visits.customers');
  }
}
