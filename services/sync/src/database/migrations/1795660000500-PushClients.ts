import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The push side of the offline protocol (services/sync/README.md, push): each client (one device
 * of one user) bound to the tenant and user that first pushed with it, the last mutation id
 * applied for it, and the stored result of every mutation up to there, with the hash of the
 * mutation it answers so a replay with another payload is told apart.
 */
export class PushClients1795660000500 implements MigrationInterface {
  name = 'PushClients1795660000500';

  async up(queryRunner: QueryRunner): Promise<void> {
    // One row per client, locked FOR UPDATE while one of its mutations is processed: pushes of
    // the same client serialize on it.
    await queryRunner.query(`
      CREATE TABLE sync.clients (
        client_id         text PRIMARY KEY,
        tenant_id         uuid NOT NULL,
        user_id           uuid NOT NULL,
        last_mutation_id  bigint NOT NULL DEFAULT 0 CHECK (last_mutation_id >= 0),
        created_at        timestamptz NOT NULL DEFAULT now(),
        updated_at        timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX clients_tenant_user_idx ON sync.clients (tenant_id, user_id)`);
    await queryRunner.query(`
      CREATE TABLE sync.mutation_results (
        client_id     text NOT NULL REFERENCES sync.clients (client_id) ON DELETE CASCADE,
        mutation_id   bigint NOT NULL CHECK (mutation_id >= 1),
        payload_hash  text NOT NULL,
        status        text NOT NULL CHECK (status IN ('applied', 'merged', 'rejected')),
        result        jsonb NOT NULL,
        recorded_at   timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (client_id, mutation_id)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS sync.mutation_results`);
    await queryRunner.query(`DROP TABLE IF EXISTS sync.clients`);
  }
}
