import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** Who changed which user, role or org unit, when, from what to what. */
export class CreateAuditLog1795590000102 implements MigrationInterface {
  name = 'CreateAuditLog1795590000102';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE permissions.audit_log (
        id           uuid PRIMARY KEY,
        tenant_id    uuid NOT NULL,
        -- Null for changes made by the platform itself (tenant creation from the CLI, the dev seed).
        actor_id     uuid,
        entity       text NOT NULL CHECK (entity IN ('user', 'role', 'org-unit')),
        entity_id    uuid NOT NULL,
        action       text NOT NULL,
        before       jsonb,
        after        jsonb,
        request_id   text,
        recorded_at  timestamptz NOT NULL DEFAULT now()
      )`);
    // ids are UUIDv7, so id order is time order: both indexes serve newest-first pages.
    await queryRunner.query(`CREATE INDEX audit_log_tenant_idx ON permissions.audit_log (tenant_id, id DESC)`);
    await queryRunner.query(`CREATE INDEX audit_log_entity_idx ON permissions.audit_log (tenant_id, entity, entity_id, id DESC)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE permissions.audit_log`);
  }
}
