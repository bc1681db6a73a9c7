import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** Visit templates and every version of each, since a task keeps the version it was created with. */
export class VisitTemplates1795590000403 implements MigrationInterface {
  name = 'VisitTemplates1795590000403';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE visits.visit_templates (
        id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL,
        name text NOT NULL,
        grades text[] NOT NULL,
        frequency_every integer NOT NULL CHECK (frequency_every > 0),
        frequency_unit text NOT NULL CHECK (frequency_unit IN ('week', 'month')),
        expected_duration_minutes integer NOT NULL,
        geofence_radius_meters integer NOT NULL,
        steps jsonb NOT NULL,
        version integer NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query('CREATE INDEX visit_templates_tenant_grades_idx ON visits.visit_templates USING gin (grades)');
    await queryRunner.query(`
      CREATE TABLE visits.visit_template_versions (
        template_id uuid NOT NULL REFERENCES visits.visit_templates (id),
        version integer NOT NULL,
        snapshot jsonb NOT NULL,
        PRIMARY KEY (template_id, version)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE visits.visit_template_versions');
    await queryRunner.query('DROP TABLE visits.visit_templates');
  }
}
