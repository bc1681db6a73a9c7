import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Territories (GeoJSON areas given to a rep or an org unit), the org units they may name (read
 * model of the permissions service's org-unit events), and the reps' home bases for the
 * `nearest` assignment strategy.
 */
export class Territories1795590000304 implements MigrationInterface {
  name = 'Territories1795590000304';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE customers.territories (
        id           uuid PRIMARY KEY,
        tenant_id    uuid NOT NULL,
        version      integer NOT NULL,
        created_at   timestamptz NOT NULL DEFAULT now(),
        updated_at   timestamptz NOT NULL DEFAULT now(),
        deleted_at   timestamptz,
        name         text NOT NULL,
        owner_id     uuid,
        org_unit_id  uuid,
        org_path     text NOT NULL,
        geometry     jsonb NOT NULL,
        min_lat      double precision NOT NULL,
        max_lat      double precision NOT NULL,
        min_lng      double precision NOT NULL,
        max_lng      double precision NOT NULL,
        CHECK ((owner_id IS NULL) <> (org_unit_id IS NULL))
      )`);
    await queryRunner.query(`CREATE INDEX territories_tenant_page_idx ON customers.territories (tenant_id, id) WHERE deleted_at IS NULL`);
    await queryRunner.query(`CREATE INDEX territories_owner_idx ON customers.territories (tenant_id, owner_id) WHERE deleted_at IS NULL`);
    await queryRunner.query(`CREATE INDEX territories_org_unit_idx ON customers.territories (tenant_id, org_unit_id) WHERE deleted_at IS NULL`);
    await queryRunner.query(`
      CREATE TABLE customers.org_units (
        id          uuid PRIMARY KEY,
        tenant_id   uuid NOT NULL,
        name        text NOT NULL,
        path        text NOT NULL,
        version     integer NOT NULL CHECK (version >= 1),
        updated_at  timestamptz NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE customers.rep_home_bases (
        tenant_id  uuid NOT NULL,
        user_id    uuid NOT NULL,
        lat        double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
        lng        double precision NOT NULL CHECK (lng BETWEEN -180 AND 180),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, user_id)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE customers.rep_home_bases`);
    await queryRunner.query(`DROP TABLE customers.org_units`);
    await queryRunner.query(`DROP TABLE customers.territories`);
  }
}
