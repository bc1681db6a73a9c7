import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import {
  type EntityList,
  type MigrationList,
  type SchemaService,
  roleDatabaseUrl,
  serviceDataSourceOptions,
  servicePassword,
  setupDatabase,
  withDatabase,
} from '@fieldforce/persistence';
import { testDatabaseFromUrl } from './test-database-guard';

/** The admin URL of this run's database (set up by db:setup, every service migrated). */
export function testAdminUrl(): string {
  const url = process.env.DATABASE_ADMIN_URL;
  if (!url) throw new Error('DATABASE_ADMIN_URL is not set: run integration tests through jest (npm run test:int)');
  testDatabaseFromUrl(url);
  return url;
}

/** The URL a service connects with to this run's database: its own role, as in production. */
export function testDatabaseUrl(service: SchemaService): string {
  return roleDatabaseUrl(testAdminUrl(), service, servicePassword(service));
}

export interface TestDataSourceOptions {
  entities?: EntityList;
  migrations?: MigrationList;
  /** Defaults to this run's database; pass a `TestDatabase`'s URL to use a scratch one. */
  url?: string;
}

/** An initialized DataSource for a service, configured exactly as the service configures its own. */
export async function createTestDataSource(
  service: SchemaService,
  options: TestDataSourceOptions = {},
): Promise<DataSource> {
  const url = options.url ?? testDatabaseUrl(service);
  testDatabaseFromUrl(url);
  const dataSource = new DataSource(
    serviceDataSourceOptions({ service, url, entities: options.entities, migrations: options.migrations, poolSize: 4 }),
  );
  return dataSource.initialize();
}

/** A database of one's own: roles, schemas and extensions as db:setup makes them, no service tables. */
export interface TestDatabase {
  name: string;
  adminUrl: string;
  serviceUrl(service: SchemaService): string;
  drop(): Promise<void>;
}

/**
 * Creates a scratch database named after this run (so teardown drops it even if `drop` is never
 * reached), for tests that need empty schemas or their own migrations table.
 */
export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const runAdminUrl = testAdminUrl();
  // Postgres names stop at 63 characters; the run's name takes at most 37 of them.
  const slug = label.replace(/[^a-z0-9]+/gi, '_').toLowerCase().slice(0, 16);
  const name = `${testDatabaseFromUrl(runAdminUrl)}_${slug}_${randomBytes(3).toString('hex')}`;
  const adminUrl = withDatabase(runAdminUrl, name);
  await setupDatabase({ adminUrl });
  return {
    name,
    adminUrl,
    serviceUrl: (service) => roleDatabaseUrl(adminUrl, service, servicePassword(service)),
    drop: () => dropTestDatabase(withDatabase(runAdminUrl, 'postgres'), name),
  };
}

async function dropTestDatabase(maintenanceUrl: string, name: string): Promise<void> {
  testDatabaseFromUrl(withDatabase(maintenanceUrl, name));
  const client = new Client({ connectionString: maintenanceUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/**
 * How many sessions of `dataSource`'s role in its database have sat in an open transaction, doing
 * nothing, for more than `forMs`: a write that waits for another service inside its transaction
 * holds one (and its locks and pooled connection) all that time.
 */
export async function sessionsWaitingInTransaction(dataSource: DataSource, forMs = 100): Promise<number> {
  const [row] = await dataSource.query<{ count: number }[]>(
    `SELECT count(*)::int FROM pg_stat_activity
      WHERE usename = current_user AND datname = current_database()
        AND state LIKE 'idle in transaction%' AND state_change < now() - make_interval(secs => $1 / 1000.0)`,
    [forMs],
  );
  return row?.count ?? 0;
}
