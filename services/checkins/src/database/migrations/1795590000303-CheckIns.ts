import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Check-ins with their check-out, trust verdict and review (phases as JSON, the columns lists
 * filter on beside them), and the photo hashes that reveal a photo reused across check-ins.
 */
export class CheckIns1795590000303 implements MigrationInterface {
  name = 'CheckIns1795590000303';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE checkins.check_ins (
        id              uuid PRIMARY KEY,
        tenant_id       uuid NOT NULL,
        user_id         uuid NOT NULL,
        org_path        text NOT NULL,
        device_id       text NOT NULL,
        customer_id     uuid NOT NULL,
        task_id         uuid,
        offline         boolean NOT NULL,
        status          text NOT NULL CHECK (status IN ('verified', 'flagged', 'approved', 'rejected')),
        trust_score     smallint NOT NULL CHECK (trust_score BETWEEN 0 AND 100),
        reasons         text[] NOT NULL,
        check_in        jsonb NOT NULL,
        checked_in_at   timestamptz NOT NULL,
        check_out       jsonb,
        checked_out_at  timestamptz,
        duration_s      integer CHECK (duration_s >= 0),
        review          jsonb,
        version         integer NOT NULL,
        created_at      timestamptz NOT NULL DEFAULT now(),
        updated_at      timestamptz NOT NULL DEFAULT now(),
        CHECK ((check_out IS NULL) = (checked_out_at IS NULL))
      )`);
    // Lists page newest first by (checked_in_at, id); the others serve the user, customer and org filters.
    await queryRunner.query(`CREATE INDEX check_ins_tenant_time_idx ON checkins.check_ins (tenant_id, checked_in_at DESC, id DESC)`);
    await queryRunner.query(`CREATE INDEX check_ins_user_time_idx ON checkins.check_ins (tenant_id, user_id, checked_in_at DESC)`);
    await queryRunner.query(`CREATE INDEX check_ins_customer_time_idx ON checkins.check_ins (tenant_id, customer_id, checked_in_at DESC)`);
    await queryRunner.query(`CREATE INDEX check_ins_org_path_idx ON checkins.check_ins (tenant_id, org_path text_pattern_ops)`);
    await queryRunner.query(`
      CREATE TABLE checkins.check_in_photos (
        tenant_id    uuid NOT NULL,
        sha256       text NOT NULL,
        check_in_id  uuid NOT NULL REFERENCES checkins.check_ins (id),
        phase        text NOT NULL CHECK (phase IN ('check-in', 'check-out')),
        upload_id    uuid NOT NULL,
        PRIMARY KEY (tenant_id, sha256, check_in_id, phase)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE checkins.check_in_photos`);
    await queryRunner.query(`DROP TABLE checkins.check_ins`);
  }
}
