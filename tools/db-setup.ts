/**
 * `npm run db:setup`: creates the database, one role and one schema per service, and the
 * extensions (PostGIS when the server has it), then runs every service's migrations, each as
 * that service's own role. Idempotent. Connects with DATABASE_ADMIN_URL.
 */
import {
  SCHEMA_SERVICES,
  redactUrl,
  roleDatabaseUrl,
  servicePassword,
  setupDatabase,
} from '@fieldforce/persistence';
import { spawnServiceMigrate } from './migrate';

const DEFAULT_ADMIN_URL = 'postgres://postgres:postgres@127.0.0.1:5432/fieldforce';

function say(line: string): void {
  process.stdout.write(`db:setup: ${line}\n`);
}

async function main(): Promise<number> {
  const adminUrl = process.env.DATABASE_ADMIN_URL ?? DEFAULT_ADMIN_URL;
  say(`using ${redactUrl(adminUrl)}`);
  try {
    const { postgis } = await setupDatabase({ adminUrl, log: say });
    if (!postgis) say('PostGIS is not available on this server: spatial queries use the plain SQL fallback');
  } catch (error) {
    say(`failed: ${(error as Error).message}`);
    return 1;
  }
  // Schemas are independent, so the services migrate side by side; their lines carry their name.
  const codes = await Promise.all(
    SCHEMA_SERVICES.map((service) =>
      spawnServiceMigrate(service, ['up'], {
        ...process.env,
        DATABASE_URL: roleDatabaseUrl(adminUrl, service, servicePassword(service)),
      }).catch((error: Error) => {
        say(`${service}: could not start its migrate process: ${error.message}`);
        return 1;
      }),
    ),
  );
  const failed = SCHEMA_SERVICES.filter((_, index) => codes[index] !== 0);
  if (failed.length > 0) {
    say(`migrations failed for ${failed.join(', ')}`);
    return 1;
  }
  say('done');
  return 0;
}

void main().then((code) => {
  process.exitCode = code;
});
