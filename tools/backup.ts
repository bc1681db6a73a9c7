/**
 * `npm run backup -- <service> [file]`: dumps one service's schema (and nothing else) in pg_dump's
 * custom format, connecting as DATABASE_ADMIN_URL. The file defaults to
 * `backups/<service>-<timestamp>.dump`. Restore it with `npm run restore` (tools/restore.ts).
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { SCHEMA_SERVICES, type SchemaService, isSchemaService, redactUrl } from '@fieldforce/persistence';

const DEFAULT_ADMIN_URL = 'postgres://postgres:postgres@127.0.0.1:5432/fieldforce';

/** Runs a Postgres client tool; rejects with its stderr when it exits non-zero. */
export function runPgTool(command: string, args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${command} exited with ${code}: ${stderr.trim()}`))));
  });
}

/** Dumps the schema of `service` from the database at `adminUrl` into `file` (custom format). */
export async function backupSchema(service: SchemaService, adminUrl: string, file: string): Promise<void> {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  await runPgTool('pg_dump', ['--format=custom', `--schema=${service}`, `--file=${file}`, `--dbname=${adminUrl}`]);
}

function defaultFile(service: SchemaService): string {
  return path.join('backups', `${service}-${new Date().toISOString().replace(/[:.]/g, '-')}.dump`);
}

if (require.main === module) {
  const [service, file] = process.argv.slice(2);
  if (!service || !isSchemaService(service)) {
    process.stderr.write(`usage: npm run backup -- <${SCHEMA_SERVICES.join('|')}> [file]\n`);
    process.exit(2);
  }
  const adminUrl = process.env.DATABASE_ADMIN_URL ?? DEFAULT_ADMIN_URL;
  const target = file ?? defaultFile(service);
  backupSchema(service, adminUrl, target).then(
    () => process.stdout.write(`Dumped schema ${service} of ${redactUrl(adminUrl)} to ${target}\n`),
    (error: Error) => {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    },
  );
}
