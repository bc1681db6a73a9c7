import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { type TestDatabase, createTestDatabase, testAdminUrl, testDatabaseUrl } from '@fieldforce/testing';
import { backupSchema } from './backup';
import { SchemaNotEmptyError, restoreSchema } from './restore';

async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const tenantId = randomUUID();
const names = ['Bäckerei Schmidt', 'Hofladen Berger', 'Kiosk am Markt'];

describe(restoreSchema.name, () => {
  let directory: string;
  let scratch: TestDatabase;
  let dumpFile: string;

  beforeAll(async () => {
    directory = mkdtempSync(path.join(tmpdir(), 'backup-'));
    dumpFile = path.join(directory, 'customers.dump');
    // As the service writes them: through its own role.
    await withClient(testDatabaseUrl('customers'), async (client) => {
      for (const name of names) {
        await client.query(`INSERT INTO customers.customers (id, tenant_id, version, name, grade) VALUES ($1, $2, 1, $3, 'A')`, [randomUUID(), tenantId, name]);
      }
    });
    scratch = await createTestDatabase('restore');
  });

  afterAll(async () => {
    await scratch.drop();
    rmSync(directory, { recursive: true, force: true });
  });

  it('restores the dumped customers schema into a fresh database with the same rows, readable by the service role', async () => {
    await backupSchema('customers', testAdminUrl(), dumpFile);
    expect(existsSync(dumpFile)).toBe(true);

    await restoreSchema('customers', dumpFile, scratch.adminUrl);

    const restored = await withClient(scratch.serviceUrl('customers'), (client) =>
      client.query<{ name: string }>(`SELECT name FROM customers.customers WHERE tenant_id = $1 ORDER BY name`, [tenantId]),
    );
    expect(restored.rows.map((row) => row.name)).toEqual([...names].sort());
  });

  it('refuses to overwrite a non-empty schema unless forced', async () => {
    await expect(restoreSchema('customers', dumpFile, scratch.adminUrl)).rejects.toBeInstanceOf(SchemaNotEmptyError);
    await withClient(scratch.adminUrl, (client) => client.query(`DELETE FROM customers.customers WHERE name = $1`, [names[0]]));

    await restoreSchema('customers', dumpFile, scratch.adminUrl, { force: true });

    const restored = await withClient(scratch.adminUrl, (client) =>
      client.query<{ count: string }>(`SELECT count(*) AS count FROM customers.customers WHERE tenant_id = $1`, [tenantId]),
    );
    expect(Number(restored.rows[0]?.count)).toBe(names.length);
  });
});
