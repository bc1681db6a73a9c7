import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** A tenant's tracking privacy setting (off while null). */
export class TrackingPrivacy1795660000600 implements MigrationInterface {
  name = 'TrackingPrivacy1795660000600';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE checkins.tracking_settings ADD COLUMN privacy jsonb`);
    // Tenants that choose a privacy setting but keep the default retention still get a row.
    await queryRunner.query(`ALTER TABLE checkins.tracking_settings ALTER COLUMN retention_days DROP NOT NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM checkins.tracking_settings WHERE retention_days IS NULL`);
    await queryRunner.query(`ALTER TABLE checkins.tracking_settings ALTER COLUMN retention_days SET NOT NULL`);
    await queryRunner.query(`ALTER TABLE checkins.tracking_settings DROP COLUMN privacy`);
  }
}
