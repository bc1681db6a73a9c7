import {
  SCHEMA_SERVICES,
  databaseName,
  isSchemaService,
  redactUrl,
  roleDatabaseUrl,
  serviceDatabaseUrl,
  servicePassword,
  serviceRole,
  withDatabase,
} from './schema-services';

describe('schema services', () => {
  it('gives every schema-owning service a fieldforce_ role', () => {
    expect(SCHEMA_SERVICES.map(serviceRole)).toEqual([
      'fieldforce_permissions',
      'fieldforce_customers',
      'fieldforce_visits',
      'fieldforce_checkins',
      'fieldforce_sync',
    ]);
    expect(isSchemaService('visits')).toBe(true);
    expect(isSchemaService('gateway')).toBe(false);
  });

  it('uses DATABASE_URL when set', () => {
    const url = 'postgres://fieldforce_visits:s3cret@db:5432/fieldforce';
    expect(serviceDatabaseUrl('visits', { DATABASE_URL: url })).toBe(url);
  });

  it('defaults to the role on the local development database with its dev password', () => {
    expect(serviceDatabaseUrl('customers', {})).toBe(
      'postgres://fieldforce_customers:fieldforce_customers@127.0.0.1:5432/fieldforce',
    );
  });

  it('takes the role password from FIELDFORCE_<SVC>_DB_PASSWORD when given', () => {
    expect(servicePassword('sync', { FIELDFORCE_SYNC_DB_PASSWORD: 'from-vault' })).toBe('from-vault');
    expect(servicePassword('sync', {})).toBe('fieldforce_sync');
    expect(serviceDatabaseUrl('sync', { FIELDFORCE_SYNC_DB_PASSWORD: 'p@ss/word' })).toBe(
      'postgres://fieldforce_sync:p%40ss%2Fword@127.0.0.1:5432/fieldforce',
    );
  });

  it('swaps credentials and database while keeping host, port and parameters', () => {
    const admin = 'postgres://postgres:postgres@db.internal:6543/fieldforce?sslmode=require';
    expect(roleDatabaseUrl(admin, 'checkins', 'pw')).toBe(
      'postgres://fieldforce_checkins:pw@db.internal:6543/fieldforce?sslmode=require',
    );
    expect(withDatabase(admin, 'postgres')).toBe('postgres://postgres:postgres@db.internal:6543/postgres?sslmode=require');
    expect(databaseName(admin)).toBe('fieldforce');
  });

  it('refuses a URL without a database and never prints passwords', () => {
    expect(() => databaseName('postgres://postgres:topsecret@db:5432')).toThrow(/names no database/);
    expect(() => databaseName('postgres://postgres:topsecret@db:5432')).not.toThrow(/topsecret/);
    expect(redactUrl('postgres://u:topsecret@db/x')).toBe('postgres://u:***@db/x');
  });
});
