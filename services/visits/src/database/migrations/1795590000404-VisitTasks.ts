import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** Visit tasks: one visit of one customer, its lifecycle status and the template version it follows. */
export class VisitTasks1795590000404 implements MigrationInterface {
  name = 'VisitTasks1795590000404';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE visits.visit_tasks (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL,
        customer_id uuid NOT NULL,
        template_id uuid NOT NULL,
        template_version integer NOT NULL,
        status text NOT NULL CHECK (status IN ('planned', 'dispatched', 'in_progress', 'completed', 'missed', 'cancelled')),
        assignee_id uuid,
        org_path text,
        due_date date NOT NULL,
        cycle_key text,
        cancel_reason text,
        started_at timestamptz,
        completed_at timestamptz,
        version integer NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      'CREATE UNIQUE INDEX visit_tasks_cycle_key ON visits.visit_tasks (tenant_id, customer_id, cycle_key) WHERE cycle_key IS NOT NULL',
    );
    await queryRunner.query('CREATE INDEX visit_tasks_tenant_due_idx ON visits.visit_tasks (tenant_id, due_date, id)');
    await queryRunner.query('CREATE INDEX visit_tasks_tenant_assignee_idx ON visits.visit_tasks (tenant_id, assignee_id, due_date)');
    await queryRunner.query('CREATE INDEX visit_tasks_tenant_customer_idx ON visits.visit_tasks (tenant_id, customer_id)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE visits.visit_tasks');
  }
}
