import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The change feed devices pull (services/sync/README.md): the latest state of every synced record
 * stamped with a per-tenant sequence, the scope exits that tell a previous owner's device to
 * delete a record, the per-tenant counter that hands out the sequence in commit order, and the
 * last cursor issued to each client.
 */
export class ChangeFeed1795660000301 implements MigrationInterface {
  name = 'ChangeFeed1795660000301';

  async up(queryRunner: QueryRunner): Promise<void> {
    // last_seq: locked by UPDATE … RETURNING in each consuming transaction, so per tenant commit
    // order equals sequence order. horizon_seq: the highest sequence a purge removed.
    await queryRunner.query(`
      CREATE TABLE sync.feed_tenants (
        tenant_id    uuid PRIMARY KEY,
        last_seq     bigint NOT NULL CHECK (last_seq >= 0),
        horizon_seq  bigint NOT NULL DEFAULT 0 CHECK (horizon_seq >= 0)
      )`);
    await queryRunner.query(`
      CREATE TABLE sync.feed_records (
        tenant_id    uuid NOT NULL,
        entity       text NOT NULL,
        id           uuid NOT NULL,
        seq          bigint NOT NULL,
        version      integer NOT NULL CHECK (version >= 1),
        owner_id     uuid,
        org_path     text,
        deleted      boolean NOT NULL,
        data         jsonb,
        changed_at   timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, entity, id),
        CHECK (deleted OR data IS NOT NULL)
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX feed_records_tenant_seq_idx ON sync.feed_records (tenant_id, seq)`);
    await queryRunner.query(`CREATE INDEX feed_records_tombstones_idx ON sync.feed_records (changed_at) WHERE deleted`);
    // owner_id / org_path: the scope keys the record had before the change at seq.
    await queryRunner.query(`
      CREATE TABLE sync.feed_scope_exits (
        tenant_id    uuid NOT NULL,
        seq          bigint NOT NULL,
        entity       text NOT NULL,
        id           uuid NOT NULL,
        version      integer NOT NULL,
        owner_id     uuid,
        org_path     text,
        changed_at   timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, seq)
      )`);
    await queryRunner.query(`CREATE INDEX feed_scope_exits_record_idx ON sync.feed_scope_exits (tenant_id, entity, id, seq)`);
    await queryRunner.query(`CREATE INDEX feed_scope_exits_changed_at_idx ON sync.feed_scope_exits (changed_at)`);
    await queryRunner.query(`
      CREATE TABLE sync.client_cursors (
        tenant_id    uuid NOT NULL,
        user_id      uuid NOT NULL,
        client_id    text NOT NULL,
        cursor       text NOT NULL,
        issued_at    timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, user_id, client_id)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE sync.client_cursors`);
    await queryRunner.query(`DROP TABLE sync.feed_scope_exits`);
    await queryRunner.query(`DROP TABLE sync.feed_records`);
    await queryRunner.query(`DROP TABLE sync.feed_tenants`);
  }
}
