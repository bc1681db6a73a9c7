/** The services that own a Postgres schema, each connecting as its own role. */
export const SCHEMA_SERVICES = ['permissions', 'customers', 'visits', 'checkins', 'sync'] as const;

export type SchemaService = (typeof SCHEMA_SERVICES)[number];

type Environment = Readonly<Record<string, string | undefined>>;

const DEFAULT_HOST = '127.0.0.1:5432';
const DEFAULT_DATABASE = 'fieldforce';

/** Narrows an arbitrary string (a CLI argument, an env value) to a schema-owning service. */
export function isSchemaService(value: string): value is SchemaService {
  return (SCHEMA_SERVICES as readonly string[]).includes(value);
}

/** The Postgres role a service connects as, e.g. `fieldforce_customers`. */
export function serviceRole(service: SchemaService): string {
  return `fieldforce_${service}`;
}

/** The environment variable that overrides a role's password, e.g. `FIELDFORCE_CUSTOMERS_DB_PASSWORD`. */
export function servicePasswordVariable(service: SchemaService): string {
  return `FIELDFORCE_${service.toUpperCase()}_DB_PASSWORD`;
}

/** A role's password: its override variable when set, else the development default (the role's name). */
export function servicePassword(service: SchemaService, env: Environment = process.env): string {
  return env[servicePasswordVariable(service)] || serviceRole(service);
}

/** The URL a service connects with: `DATABASE_URL`, else its role on the local development database. */
export function serviceDatabaseUrl(service: SchemaService, env: Environment = process.env): string {
  const configured = env.DATABASE_URL;
  if (configured) return configured;
  return roleDatabaseUrl(`postgres://${DEFAULT_HOST}/${DEFAULT_DATABASE}`, service, servicePassword(service, env));
}

/** The admin URL with the service role's credentials in place of the admin's (same host, port, database). */
export function roleDatabaseUrl(adminUrl: string, service: SchemaService, password: string): string {
  const url = new URL(adminUrl);
  url.username = serviceRole(service);
  url.password = password;
  return url.toString();
}

/** The same server and credentials, pointing at another database. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

/** The database named in a connection URL. */
export function databaseName(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  if (!name) throw new Error(`the database URL names no database: ${redactUrl(url)}`);
  return name;
}

/** A connection URL with its password masked, fit for logs and error messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<unparsable database URL>';
  }
}
