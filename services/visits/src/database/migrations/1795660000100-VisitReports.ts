import { type MigrationInterface, type QueryRunner } from 'typeorm';
import { createIdempotencyKeysTable, dropIdempotencyKeysTable } from '@fieldforce/persistence';

/** Visit reports (one per task, checked against its template version), when a task was reported, and Idempotency-Key storage. */
export class VisitReports1795660000100 implements MigrationInterface {
  name = 'VisitReports1795660000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE visits.visit_tasks ADD COLUMN reported_at timestamptz');
    await queryRunner.query(`
      CREATE TABLE visits.visit_reports (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL,
        task_id uuid NOT NULL UNIQUE REFERENCES visits.visit_tasks (id),
        template_id uuid NOT NULL,
        template_version integer NOT NULL,
        answers jsonb NOT NULL,
        submitted_by uuid NOT NULL,
        submitted_at timestamptz NOT NULL
      )`);
    await createIdempotencyKeysTable(queryRunner, 'visits');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropIdempotencyKeysTable(queryRunner, 'visits');
    await queryRunner.query('DROP TABLE visits.visit_reports');
    await queryRunner.query('ALTER TABLE visits.visit_tasks DROP COLUMN reported_at');
  }
}
