import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The local copy of the permissions service's users (fed by its user events): who may own
 * customers, and the org path their customers take.
 */
export class UsersReadModel1795590000303 implements MigrationInterface {
  name = 'UsersReadModel1795590000303';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE customers.users (
        id           uuid PRIMARY KEY,
        tenant_id    uuid NOT NULL,
        display_name text NOT NULL,
        org_unit_id  uuid NOT NULL,
        org_path     text NOT NULL,
        roles        text[] NOT NULL,
        active       boolean NOT NULL,
        version      integer NOT NULL CHECK (version >= 1),
        updated_at   timestamptz NOT NULL,
        received_at  timestamptz NOT NULL DEFAULT now()
      )`);
    // Candidate owners of an org subtree (auto-assignment).
    await queryRunner.query(`CREATE INDEX users_tenant_org_path_idx ON customers.users (tenant_id, org_path text_pattern_ops)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE customers.users`);
  }
}
