import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { testAdminUrl } from '@fieldforce/testing';
import { applyDataScope, type DataScopeOptions, isInScope, type ScopedRecord, type ScopeSubject } from '../src';

interface Row extends ScopedRecord {
  id: string;
  ownerId: string | null;
  orgPath: string | null;
}

describe(applyDataScope.name, () => {
  const schema = `authtest_scope_${randomBytes(4).toString('hex')}`;
  const tenantA = randomUUID();
  const tenantB = randomUUID();
  const rep = randomUUID();
  const otherRep = randomUUID();
  const supervisor = randomUUID();
  let dataSource: DataSource;

  // Tenant A: region emea with teams emea.de and emea.de_x (a sibling whose name starts the same), plus apac.
  const rows: Row[] = [
    { id: 'a-rep-de', tenantId: tenantA, ownerId: rep, orgPath: 'emea.de' },
    { id: 'a-other-de-berlin', tenantId: tenantA, ownerId: otherRep, orgPath: 'emea.de.berlin' },
    { id: 'a-other-dex', tenantId: tenantA, ownerId: otherRep, orgPath: 'emea.de_x' },
    { id: 'a-other-emea', tenantId: tenantA, ownerId: otherRep, orgPath: 'emea' },
    { id: 'a-other-apac', tenantId: tenantA, ownerId: otherRep, orgPath: 'apac' },
    { id: 'a-supervisor-apac', tenantId: tenantA, ownerId: supervisor, orgPath: 'apac' },
    { id: 'a-unowned', tenantId: tenantA, ownerId: null, orgPath: null },
    // Tenant B uses the same org paths and even the same user ids: none of it may leak.
    { id: 'b-rep-de', tenantId: tenantB, ownerId: rep, orgPath: 'emea.de' },
    { id: 'b-other-emea', tenantId: tenantB, ownerId: otherRep, orgPath: 'emea' },
  ];

  const users: Record<string, ScopeSubject> = {
    rep: { userId: rep, tenantId: tenantA, orgPath: 'emea.de', scope: 'own' },
    supervisor: { userId: supervisor, tenantId: tenantA, orgPath: 'emea.de', scope: 'team' },
    regionalManager: { userId: randomUUID(), tenantId: tenantA, orgPath: 'emea', scope: 'region' },
    admin: { userId: randomUUID(), tenantId: tenantA, orgPath: 'root', scope: 'all' },
    adminOfB: { userId: randomUUID(), tenantId: tenantB, orgPath: 'root', scope: 'all' },
  };

  const expected: Record<string, string[]> = {
    rep: ['a-rep-de'],
    supervisor: ['a-other-de-berlin', 'a-rep-de', 'a-supervisor-apac'],
    regionalManager: ['a-other-de-berlin', 'a-other-dex', 'a-other-emea', 'a-rep-de'],
    admin: rows.filter((row) => row.tenantId === tenantA).map((row) => row.id).sort(),
    adminOfB: ['b-other-emea', 'b-rep-de'],
  };

  beforeAll(async () => {
    dataSource = await new DataSource({
      type: 'postgres',
      url: testAdminUrl(),
      poolSize: 2,
      extra: { options: `-c search_path=${schema},public` },
    }).initialize();
    await dataSource.query(`CREATE SCHEMA ${schema}`);
    await dataSource.query(`
      CREATE TABLE ${schema}.records (
        id text PRIMARY KEY, tenant_id uuid NOT NULL, owner_id uuid, org_path text, org_ltree ltree
      )`);
    for (const row of rows) {
      await dataSource.query(`INSERT INTO ${schema}.records VALUES ($1, $2, $3, $4::text, CAST($4::text AS ltree))`, [
        row.id,
        row.tenantId,
        row.ownerId,
        row.orgPath,
      ]);
    }
  });

  afterAll(async () => {
    await dataSource?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await dataSource?.destroy();
  });

  async function visibleIds(user: ScopeSubject, options: DataScopeOptions = {}): Promise<string[]> {
    const query = dataSource.createQueryBuilder().select('r.id', 'id').from(`${schema}.records`, 'r');
    const found = await applyDataScope(query, user, options).getRawMany<{ id: string }>();
    // Sorted here, not by ORDER BY: the database collation may order hyphens differently.
    return found.map((row) => row.id).sort();
  }

  it.each(Object.keys(expected))('shows %s exactly the records of its scope, comparing org paths as text', async (name) => {
    expect(await visibleIds(users[name]!)).toEqual(expected[name]);
  });

  it.each(Object.keys(expected))('shows %s the same records when the org path column is an ltree', async (name) => {
    expect(await visibleIds(users[name]!, { orgPathType: 'ltree', columns: { orgPath: 'org_ltree' } })).toEqual(expected[name]);
  });

  it.each(Object.keys(expected))('agrees with isInScope for %s', async (name) => {
    const inMemory = rows.filter((row) => isInScope(users[name]!, row)).map((row) => row.id).sort();
    expect(inMemory).toEqual(expected[name]);
  });

  it('combines with the query conditions already there', async () => {
    const query = dataSource
      .createQueryBuilder()
      .select('r.id', 'id')
      .from(`${schema}.records`, 'r')
      .where('r.org_path = :path', { path: 'apac' });
    const found = await applyDataScope(query, users.supervisor!).getRawMany<{ id: string }>();
    expect(found.map((row) => row.id)).toEqual(['a-supervisor-apac']);
  });
});
