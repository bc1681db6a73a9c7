import { Client } from 'pg';
import {
  SCHEMA_SERVICES,
  type SchemaService,
  databaseName,
  redactUrl,
  servicePassword,
  serviceRole,
  withDatabase,
} from './schema-services';

export interface SetupDatabaseOptions {
  /** A superuser (or CREATEDB + CREATEROLE) URL naming the database to set up. */
  adminUrl: string;
  services?: readonly SchemaService[];
  /** Role passwords; a service without one gets `servicePassword(service)`. */
  passwords?: Partial<Record<SchemaService, string>>;
  /** Where to connect to create the database and take the cluster-wide lock. */
  maintenanceDatabase?: string;
  log?: (line: string) => void;
}

export interface SetupDatabaseResult {
  database: string;
  created: boolean;
  postgis: boolean;
}

const EXTENSIONS = ['ltree', 'pg_trgm', 'btree_gist'] as const;
// Roles are cluster-wide and advisory locks are per database: the lock lives in the maintenance
// database so that setups of different databases (parallel test runs) also take turns.
const SETUP_LOCK = 'fieldforce.setup-database';

/**
 * Creates (or brings up to date) the database, one login role and one schema per service, and
 * the shared extensions. Idempotent, and safe to run concurrently from several processes.
 */
export async function setupDatabase(options: SetupDatabaseOptions): Promise<SetupDatabaseResult> {
  const services = options.services ?? SCHEMA_SERVICES;
  const log = options.log ?? (() => undefined);
  const database = databaseName(options.adminUrl);
  const maintenance = new Client({
    connectionString: withDatabase(options.adminUrl, options.maintenanceDatabase ?? 'postgres'),
    application_name: 'fieldforce-db-setup',
  });
  await connect(maintenance, options.adminUrl);
  try {
    await maintenance.query('SELECT pg_advisory_lock(hashtext($1))', [SETUP_LOCK]);
    const created = await ensureDatabase(maintenance, database);
    log(`database ${database} ${created ? 'created' : 'exists'}`);
    for (const service of services) {
      const password = options.passwords?.[service] ?? servicePassword(service);
      const outcome = await ensureRole(maintenance, serviceRole(service), password);
      log(`role ${serviceRole(service)} ${outcome}`);
    }
    const target = new Client({ connectionString: options.adminUrl, application_name: 'fieldforce-db-setup' });
    await connect(target, options.adminUrl);
    try {
      await lockDownDatabase(target, database, services);
      for (const service of services) {
        await ensureServiceSchema(target, database, service, services);
        log(`schema ${service} owned by ${serviceRole(service)}`);
      }
      const postgis = await ensureExtensions(target);
      log(`extensions ${[...EXTENSIONS, ...(postgis ? ['postgis'] : [])].join(', ')} in public`);
      return { database, created, postgis };
    } finally {
      await target.end();
    }
  } finally {
    // Ending the session releases the advisory lock.
    await maintenance.end();
  }
}

async function connect(client: Client, url: string): Promise<void> {
  try {
    await client.connect();
  } catch (error) {
    throw new Error(`cannot connect to PostgreSQL at ${redactUrl(url)}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

async function ensureDatabase(client: Client, database: string): Promise<boolean> {
  const existing = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
  if (existing.rowCount) return false;
  await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  return true;
}

async function ensureRole(client: Client, role: string, password: string): Promise<'created' | 'updated'> {
  const existing = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
  const verb = existing.rowCount ? 'ALTER' : 'CREATE';
  await client.query(
    `${verb} ROLE ${client.escapeIdentifier(role)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION ` +
      `NOBYPASSRLS INHERIT PASSWORD ${client.escapeLiteral(password)}`,
  );
  return verb === 'CREATE' ? 'created' : 'updated';
}

// Nobody but the service roles (and the admin) may connect, and nobody may create schemas or
// tables outside the schema they own.
async function lockDownDatabase(client: Client, database: string, services: readonly SchemaService[]): Promise<void> {
  const db = client.escapeIdentifier(database);
  await client.query(`REVOKE ALL ON DATABASE ${db} FROM PUBLIC`);
  await client.query('REVOKE CREATE ON SCHEMA public FROM PUBLIC');
  if (services.length === 0) return;
  const roles = roleList(client, services);
  await client.query(`REVOKE ALL ON DATABASE ${db} FROM ${roles}`);
  await client.query(`GRANT CONNECT ON DATABASE ${db} TO ${roles}`);
  await client.query(`REVOKE CREATE ON SCHEMA public FROM ${roles}`);
  // The extensions' types and functions live in public.
  await client.query(`GRANT USAGE ON SCHEMA public TO ${roles}`);
}

async function ensureServiceSchema(
  client: Client,
  database: string,
  service: SchemaService,
  services: readonly SchemaService[],
): Promise<void> {
  const schema = client.escapeIdentifier(service);
  const owner = client.escapeIdentifier(serviceRole(service));
  await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema} AUTHORIZATION ${owner}`);
  await client.query(`ALTER SCHEMA ${schema} OWNER TO ${owner}`);
  await client.query(`REVOKE ALL ON SCHEMA ${schema} FROM PUBLIC`);
  const others = services.filter((other) => other !== service);
  if (others.length > 0) {
    const otherRoles = roleList(client, others);
    // Undo any grant someone made by hand: a service never reads or writes another's schema.
    await client.query(`REVOKE ALL ON SCHEMA ${schema} FROM ${otherRoles}`);
    for (const kind of ['TABLES', 'SEQUENCES', 'FUNCTIONS']) {
      await client.query(`REVOKE ALL ON ALL ${kind} IN SCHEMA ${schema} FROM ${otherRoles}`);
    }
  }
  // For psql sessions and tools; the services set their search_path on every connection anyway.
  await client.query(
    `ALTER ROLE ${owner} IN DATABASE ${client.escapeIdentifier(database)} SET search_path = ${schema}, public`,
  );
}

async function ensureExtensions(client: Client): Promise<boolean> {
  const available = await client.query<{ name: string }>(
    "SELECT name FROM pg_available_extensions WHERE name = 'postgis'",
  );
  const postgis = (available.rowCount ?? 0) > 0;
  for (const extension of [...EXTENSIONS, ...(postgis ? ['postgis'] : [])]) {
    await client.query(`CREATE EXTENSION IF NOT EXISTS ${client.escapeIdentifier(extension)} WITH SCHEMA public`);
  }
  return postgis;
}

function roleList(client: Client, services: readonly SchemaService[]): string {
  return services.map((service) => client.escapeIdentifier(serviceRole(service))).join(', ');
}
