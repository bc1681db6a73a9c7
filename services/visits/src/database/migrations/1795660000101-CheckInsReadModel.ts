import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** The check-ins as the checkins service's events describe them: they start and complete tasks and count in coverage. */
export class CheckInsReadModel1795660000101 implements MigrationInterface {
  name = 'CheckInsReadModel1795660000101';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE visits.check_ins (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL,
        user_id uuid NOT NULL,
        org_path text NOT NULL,
        customer_id uuid NOT NULL,
        task_id uuid,
        status text NOT NULL CHECK (status IN ('verified', 'flagged', 'approved', 'rejected')),
        recorded_at timestamptz NOT NULL,
        checked_out_at timestamptz,
        version integer NOT NULL
      )`);
    await queryRunner.query('CREATE INDEX check_ins_tenant_recorded_idx ON visits.check_ins (tenant_id, recorded_at)');
    await queryRunner.query('CREATE INDEX check_ins_task_idx ON visits.check_ins (task_id) WHERE task_id IS NOT NULL');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE visits.check_ins');
  }
}
