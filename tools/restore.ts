/**
 * `npm run restore -- <service> <file> [--force]`: restores a dump made by `npm run backup` into the
 * database at RESTORE_DATABASE_URL (an admin URL; defaults to DATABASE_ADMIN_URL). The target's roles
 * must exist (`npm run db:setup` against it). Refuses when the service's schema there already holds
 * tables, unless `--force`, which drops that schema first.
 */
import { Client } from 'pg';
import { SCHEMA_SERVICES, type SchemaService, isSchemaService, redactUrl } from '@fieldforce/persistence';
import { runPgTool } from './backup';

const DEFAULT_ADMIN_URL = 'postgres://postgres:postgres@127.0.0.1:5432/fieldforce';

/** Thrown when the target schema holds data and the restore was not forced. */
export class SchemaNotEmptyError extends Error {
  override readonly name = 'SchemaNotEmptyError';
}

export interface RestoreOptions {
  /** Drop a non-empty schema instead of refusing. */
  force?: boolean;
}

/** Restores `file` (one service's schema) into the database at `targetAdminUrl`. */
export async function restoreSchema(service: SchemaService, file: string, targetAdminUrl: string, options: RestoreOptions = {}): Promise<void> {
  const client = new Client({ connectionString: targetAdminUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ count: string }>(
      `SELECT count(*) AS count FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'S')`,
      [service],
    );
    if (Number(rows[0]?.count ?? 0) > 0 && !options.force) {
      throw new SchemaNotEmptyError(`Schema ${service} in ${redactUrl(targetAdminUrl)} is not empty; pass --force to replace it`);
    }
    // The dump creates the schema itself, with its owner and grants; an empty one from db:setup goes first.
    await client.query(`DROP SCHEMA IF EXISTS ${client.escapeIdentifier(service)} CASCADE`);
  } finally {
    await client.end();
  }
  await runPgTool('pg_restore', ['--exit-on-error', '--single-transaction', `--dbname=${targetAdminUrl}`, file]);
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const force = args.includes('--force');
  const [service, file] = args.filter((arg) => arg !== '--force');
  if (!service || !isSchemaService(service) || !file) {
    process.stderr.write(`usage: npm run restore -- <${SCHEMA_SERVICES.join('|')}> <file> [--force]\n`);
    process.exit(2);
  }
  const target = process.env.RESTORE_DATABASE_URL ?? process.env.DATABASE_ADMIN_URL ?? DEFAULT_ADMIN_URL;
  restoreSchema(service, file, target, { force }).then(
    () => process.stdout.write(`Restored schema ${service} from ${file} into ${redactUrl(target)}\n`),
    (error: Error) => {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    },
  );
}
