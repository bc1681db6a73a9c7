import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** Customer master data (walking skeleton: the columns of the full customer state). */
export class CreateCustomers1795590000001 implements MigrationInterface {
  name = 'CreateCustomers1795590000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE customers.customers (
        id             uuid PRIMARY KEY,
        tenant_id      uuid NOT NULL,
        version        integer NOT NULL,
        created_at     timestamptz NOT NULL DEFAULT now(),
        updated_at     timestamptz NOT NULL DEFAULT now(),
        deleted_at     timestamptz,
        name           text NOT NULL,
        grade          text NOT NULL,
        lat            double precision CHECK (lat BETWEEN -90 AND 90),
        lng            double precision CHECK (lng BETWEEN -180 AND 180),
        address        text,
        contacts       jsonb NOT NULL DEFAULT '[]'::jsonb,
        tags           text[] NOT NULL DEFAULT '{}'::text[],
        external_id    text,
        owner_id       uuid,
        org_path       text,
        credit_limit   numeric(14, 2),
        custom_fields  jsonb NOT NULL DEFAULT '{}'::jsonb,
        CHECK ((lat IS NULL) = (lng IS NULL))
      )`);
    await queryRunner.query(`CREATE INDEX customers_tenant_id_idx ON customers.customers (tenant_id)`);
    await queryRunner.query(`
      CREATE UNIQUE INDEX customers_tenant_external_id_key ON customers.customers (tenant_id, external_id)
      WHERE deleted_at IS NULL AND external_id IS NOT NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE customers.customers`);
  }
}
