import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Per-field change stamps of visit tasks (`{field: {version, rank}}`, libs/merge), so a device's
 * offline reschedule merges three-way with the ones made on the server since its base. Tasks from
 * before start unstamped (version 0, rank 0). Adding a column with a constant default rewrites nothing.
 */
export class TaskFieldStamps1795670000900 implements MigrationInterface {
  name = 'TaskFieldStamps1795670000900';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE visits.visit_tasks ADD COLUMN field_stamps jsonb NOT NULL DEFAULT '{}'::jsonb`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE visits.visit_tasks DROP COLUMN field_stamps');
  }
}
