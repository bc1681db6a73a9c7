import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Reminders (task overdue, visit cycle due), at most one per task or customer cycle however many
 * scheduler replicas run, and the fence that refuses the writes of a scheduler whose leadership lapsed.
 */
export class Reminders1795660000200 implements MigrationInterface {
  name = 'Reminders1795660000200';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE visits.reminders (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL,
        kind text NOT NULL CHECK (kind IN ('task-overdue', 'visit-due')),
        status text NOT NULL CHECK (status IN ('open', 'dismissed', 'resolved')),
        recipient_id uuid,
        org_path text,
        task_id uuid NOT NULL,
        customer_id uuid NOT NULL,
        cycle_key text,
        task_due_date date NOT NULL,
        due_at timestamptz NOT NULL,
        fired_at timestamptz NOT NULL,
        fence_token bigint NOT NULL,
        closed_at timestamptz,
        closed_by uuid,
        version integer NOT NULL,
        CHECK (kind = 'task-overdue' OR cycle_key IS NOT NULL)
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX reminders_once_per_task ON visits.reminders (tenant_id, task_id) WHERE kind = 'task-overdue'`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX reminders_once_per_cycle ON visits.reminders (tenant_id, customer_id, cycle_key) WHERE kind = 'visit-due'`,
    );
    await queryRunner.query('CREATE INDEX reminders_recipient_idx ON visits.reminders (tenant_id, recipient_id, status, fired_at DESC, id DESC)');
    await queryRunner.query(`CREATE INDEX reminders_open_task_idx ON visits.reminders (task_id) WHERE status = 'open'`);
    // The scheduler's candidates: tasks not completed or cancelled, by due date.
    await queryRunner.query(
      `CREATE INDEX visit_tasks_unfinished_due_idx ON visits.visit_tasks (due_date) WHERE status IN ('planned', 'dispatched', 'in_progress', 'missed')`,
    );
    await queryRunner.query(`
      CREATE TABLE visits.scheduler_fences (
        name text PRIMARY KEY,
        token bigint NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE visits.scheduler_fences');
    await queryRunner.query('DROP INDEX visits.visit_tasks_unfinished_due_idx');
    await queryRunner.query('DROP TABLE visits.reminders');
  }
}
