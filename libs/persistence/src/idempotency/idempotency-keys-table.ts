import { type QueryRunner } from 'typeorm';

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** `"<schema>".idempotency_keys`, refusing a schema name that is not a plain identifier. */
export function idempotencyKeysTable(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`Invalid schema name "${schema}"`);
  return `"${schema}".idempotency_keys`;
}

/**
 * Creates `<schema>.idempotency_keys`, where `IdempotentWrites` keeps each write's key, request
 * fingerprint and first result; call from a service migration.
 */
export async function createIdempotencyKeysTable(queryRunner: QueryRunner, schema: string): Promise<void> {
  const table = idempotencyKeysTable(schema);
  await queryRunner.query(`
    CREATE TABLE ${table} (
      tenant_id    uuid NOT NULL,
      key          text NOT NULL,
      principal    text NOT NULL,
      request_hash text NOT NULL,
      result       jsonb,
      created_at   timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, key)
    )`);
  // Pruning deletes keys past their retention, oldest first.
  await queryRunner.query(`CREATE INDEX idempotency_keys_created_at_idx ON ${table} (created_at)`);
}

/** Drops the table `createIdempotencyKeysTable` made; the migration's `down`. */
export async function dropIdempotencyKeysTable(queryRunner: QueryRunner, schema: string): Promise<void> {
  await queryRunner.query(`DROP TABLE IF EXISTS ${idempotencyKeysTable(schema)}`);
}
