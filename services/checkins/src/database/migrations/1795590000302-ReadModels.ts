import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Local read models of other services' data, fed by their events: users and org units
 * (permissions) for data scope on tracks and live positions, customers (customers) for geofences.
 */
export class ReadModels1795590000302 implements MigrationInterface {
  name = 'ReadModels1795590000302';

  async up(queryRunner: QueryRunner): Promise<void> {
    // version 0: known only from the user's own token, until the first user event arrives.
    await queryRunner.query(`
      CREATE TABLE checkins.users (
        id           uuid PRIMARY KEY,
        tenant_id    uuid NOT NULL,
        org_path     text NOT NULL,
        active       boolean NOT NULL DEFAULT true,
        version      integer NOT NULL CHECK (version >= 0),
        updated_at   timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX users_tenant_org_path_idx ON checkins.users (tenant_id, org_path text_pattern_ops)`);
    await queryRunner.query(`
      CREATE TABLE checkins.org_units (
        id           uuid PRIMARY KEY,
        tenant_id    uuid NOT NULL,
        path         text NOT NULL,
        version      integer NOT NULL CHECK (version >= 1),
        updated_at   timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE checkins.customers (
        id           uuid PRIMARY KEY,
        tenant_id    uuid NOT NULL,
        name         text NOT NULL,
        lat          double precision,
        lng          double precision,
        owner_id     uuid,
        org_path     text,
        deleted      boolean NOT NULL DEFAULT false,
        version      integer NOT NULL CHECK (version >= 1),
        updated_at   timestamptz NOT NULL DEFAULT now(),
        CHECK ((lat IS NULL) = (lng IS NULL))
      )`);
    // Bounding-box lookups (which customer's geofence holds a stop) without PostGIS.
    await queryRunner.query(`
      CREATE INDEX customers_tenant_location_idx ON checkins.customers (tenant_id, lat, lng)
      WHERE lat IS NOT NULL AND NOT deleted`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE checkins.customers`);
    await queryRunner.query(`DROP TABLE checkins.org_units`);
    await queryRunner.query(`DROP TABLE checkins.users`);
  }
}
