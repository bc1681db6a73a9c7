// A database per test file, set up like production (roles, schemas, extensions) but with no
// service tables. Local to these tests: libs/testing depends on this lib, not the reverse.
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { type EntityList, type MigrationList, type SchemaService, roleDatabaseUrl, serviceDataSourceOptions, servicePassword, setupDatabase, withDatabase } from '../src';

export interface ScratchDatabase {
  adminUrl: string;
  roleUrl(service: SchemaService): string;
  dataSource(service: SchemaService, lists?: { entities?: EntityList; migrations?: MigrationList }): DataSource;
  drop(): Promise<void>;
}

export function runAdminUrl(): string {
  const url = process.env.DATABASE_ADMIN_URL;
  if (!url || !/test/.test(new URL(url).pathname)) {
    throw new Error('DATABASE_ADMIN_URL must name a test database: run these through jest --selectProjects integration');
  }
  return url;
}

/** A fresh database named after this run's, which the global teardown drops at the latest. */
export function scratchDatabaseUrl(label: string): string {
  const run = runAdminUrl();
  const runDatabase = new URL(run).pathname.slice(1);
  return withDatabase(run, `${runDatabase}_${label}_${randomBytes(3).toString('hex')}`);
}

export async function createScratchDatabase(label: string): Promise<ScratchDatabase> {
  const adminUrl = scratchDatabaseUrl(label);
  await setupDatabase({ adminUrl });
  const roleUrl = (service: SchemaService): string => roleDatabaseUrl(adminUrl, service, servicePassword(service));
  return {
    adminUrl,
    roleUrl,
    dataSource: (service, lists = {}) =>
      new DataSource(serviceDataSourceOptions({ service, url: roleUrl(service), poolSize: 2, ...lists })),
    drop: () => dropDatabase(adminUrl),
  };
}

export async function dropDatabase(adminUrl: string): Promise<void> {
  const name = new URL(adminUrl).pathname.slice(1);
  const client = new Client({ connectionString: withDatabase(adminUrl, 'postgres') });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/** Runs `work` with a plain pg client connected to `url`. */
export async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
