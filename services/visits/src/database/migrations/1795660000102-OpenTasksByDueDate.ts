import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** Finds the open tasks whose due date has passed (the missed-task sweep) without reading finished ones. */
export class OpenTasksByDueDate1795660000102 implements MigrationInterface {
  name = 'OpenTasksByDueDate1795660000102';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX visit_tasks_open_due_idx ON visits.visit_tasks (due_date, tenant_id) WHERE status IN ('planned', 'dispatched')`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX visits.visit_tasks_open_due_idx');
  }
}
