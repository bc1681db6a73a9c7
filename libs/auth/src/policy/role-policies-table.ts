import { type QueryRunner } from 'typeorm';

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

function quoteSchema(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`Invalid schema name "${schema}"`);
  return `"${schema}"`;
}

/** The NOTIFY channel on which a schema's role policy changes are announced (payload: the tenant id). */
export function rolePoliciesChannel(schema: string): string {
  quoteSchema(schema);
  return `${schema}_role_policies`;
}

/** Creates `<schema>.role_policies`, the local copy of the role policies; call from a service migration. */
export async function createRolePoliciesTable(queryRunner: QueryRunner, schema: string): Promise<void> {
  const s = quoteSchema(schema);
  await queryRunner.query(`
    CREATE TABLE ${s}.role_policies (
      tenant_id     uuid NOT NULL,
      name          text NOT NULL,
      id            uuid NOT NULL,
      rank          integer NOT NULL,
      scope         text NOT NULL CHECK (scope IN ('own', 'team', 'region', 'all')),
      requires_totp boolean NOT NULL,
      actions       text[] NOT NULL,
      field_rules   jsonb NOT NULL,
      version       integer NOT NULL CHECK (version >= 1),
      built_in      boolean NOT NULL,
      updated_at    timestamptz NOT NULL,
      received_at   timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, name)
    )`);
}

/** Drops the table `createRolePoliciesTable` made; the migration's `down`. */
export async function dropRolePoliciesTable(queryRunner: QueryRunner, schema: string): Promise<void> {
  await queryRunner.query(`DROP TABLE IF EXISTS ${quoteSchema(schema)}.role_policies`);
}
