import { spawn } from 'node:child_process';
import path from 'node:path';
import { Client } from 'pg';
import { SCHEMA_SERVICES, serviceRole } from '@fieldforce/persistence';
import {
  createTestDataSource,
  createTestDatabase,
  testAdminUrl,
  testDatabaseUrl,
  testKafka,
  testRedis,
  testRunId,
} from '../src';

async function query<T>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

function runDbSetup(adminUrl: string): Promise<{ code: number | null; output: string }> {
  const root = path.resolve(__dirname, '../../..');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', path.join(root, 'tools/db-setup.ts')], {
      cwd: root,
      env: { ...process.env, DATABASE_ADMIN_URL: adminUrl },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
  });
}

describe('test run environment', () => {
  it('gives the run its own database and Redis key prefix, named after the run id', () => {
    const runId = testRunId();
    expect(runId).toMatch(/^\d{13}_\d+$/);
    expect(new URL(testAdminUrl()).pathname).toBe(`/fieldforce_test_${runId}`);
    expect(testRedis().keyPrefix).toBe(`fftest:${runId}:`);
    expect(process.env.KAFKA_TOPIC_PREFIX).toBeDefined();
  });

  it("has run every service's migrations as that service's role", async () => {
    const tables = await query<{ schemaname: string; tableowner: string }>(
      testAdminUrl(),
      "SELECT schemaname, tableowner FROM pg_tables WHERE tablename = 'migrations' ORDER BY schemaname",
    );
    expect(tables).toEqual(
      [...SCHEMA_SERVICES].sort().map((service) => ({ schemaname: service, tableowner: serviceRole(service) })),
    );
  });

  it('connects a test DataSource as the service role, bound to its schema', async () => {
    const dataSource = await createTestDataSource('sync');
    try {
      const [session] = await dataSource.query('SELECT current_user, current_schema() AS schema');
      expect(session).toEqual({ current_user: 'fieldforce_sync', schema: 'sync' });
      expect(new URL(testDatabaseUrl('sync')).username).toBe('fieldforce_sync');
    } finally {
      await dataSource.destroy();
    }
  });

  it('makes scratch databases that the service roles can use and that drop cleanly', async () => {
    const scratch = await createTestDatabase('scratch probe');
    expect(scratch.name).toMatch(new RegExp(`^fieldforce_test_${testRunId()}_scratch_probe_[0-9a-f]{6}$`));
    const dataSource = await createTestDataSource('visits', { url: scratch.serviceUrl('visits') });
    const [session] = await dataSource.query('SELECT current_database() AS database');
    await dataSource.destroy();
    expect(session.database).toBe(scratch.name);
    await scratch.drop();
    const left = await query(testAdminUrl(), 'SELECT 1 FROM pg_database WHERE datname = $1', [scratch.name]);
    expect(left).toEqual([]);
  });

  it('says clearly when the run has no Kafka broker', () => {
    const brokers = process.env.KAFKA_BROKERS;
    delete process.env.KAFKA_BROKERS;
    try {
      expect(() => testKafka()).toThrow(/no Kafka broker for this test run/);
    } finally {
      if (brokers !== undefined) process.env.KAFKA_BROKERS = brokers;
    }
  });

  it('can run db:setup again over the set-up database without changing anything', async () => {
    const before = await query(
      testAdminUrl(),
      "SELECT nspname, pg_get_userbyid(nspowner) AS owner, nspacl::text FROM pg_namespace WHERE nspname !~ '^pg_' ORDER BY 1",
    );
    const { code, output } = await runDbSetup(testAdminUrl());
    expect({ code, output }).toMatchObject({ code: 0 });
    expect(output).toContain(`database ${new URL(testAdminUrl()).pathname.slice(1)} exists`);
    const after = await query(
      testAdminUrl(),
      "SELECT nspname, pg_get_userbyid(nspowner) AS owner, nspacl::text FROM pg_namespace WHERE nspname !~ '^pg_' ORDER BY 1",
    );
    expect(after).toEqual(before);
  });
});
