import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Raw track points, partitioned first by retention class (the days a tenant keeps points, fixed
 * per tenant and day in `track_days`) and then by UTC day, so retention drops whole partitions.
 * The primary key is the dedupe key of a point and also serves the (user, capturedAt) reads.
 * Day partitions are created by the service at run time (ahead of time and for late points).
 */
export class TrackPoints1795590000301 implements MigrationInterface {
  name = 'TrackPoints1795590000301';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Columns ordered widest first so rows carry no alignment padding.
    await queryRunner.query(`
      CREATE TABLE checkins.track_points (
        tenant_id       uuid NOT NULL,
        user_id         uuid NOT NULL,
        captured_at     timestamptz NOT NULL,
        received_at     timestamptz NOT NULL DEFAULT now(),
        lat             double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
        lng             double precision NOT NULL CHECK (lng BETWEEN -180 AND 180),
        accuracy_m      real NOT NULL CHECK (accuracy_m >= 0),
        speed_mps       real,
        heading_deg     real,
        retention_days  smallint NOT NULL,
        is_mock         boolean NOT NULL DEFAULT false,
        device_id       text NOT NULL,
        point_key       text NOT NULL,
        CONSTRAINT track_points_pkey PRIMARY KEY (tenant_id, user_id, captured_at, device_id, point_key, retention_days)
      ) PARTITION BY LIST (retention_days)`);
    await queryRunner.query(`
      CREATE TABLE checkins.track_days (
        tenant_id       uuid NOT NULL,
        day             date NOT NULL,
        retention_days  smallint NOT NULL CHECK (retention_days > 0),
        PRIMARY KEY (tenant_id, day)
      )`);
    await queryRunner.query(`
      CREATE TABLE checkins.tracking_settings (
        tenant_id       uuid PRIMARY KEY,
        retention_days  smallint NOT NULL CHECK (retention_days BETWEEN 1 AND 3650),
        updated_at      timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE checkins.tracking_settings`);
    await queryRunner.query(`DROP TABLE checkins.track_days`);
    // Drops every retention-class and day partition with it.
    await queryRunner.query(`DROP TABLE checkins.track_points`);
  }
}
