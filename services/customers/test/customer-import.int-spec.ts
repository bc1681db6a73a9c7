import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { type RolePolicy } from '@fieldforce/contracts';
import { CustomerImportService } from '../src/modules/customers/customer-import.service';
import { userState } from './factories/user.factory';
import { type CustomersTestApp, startCustomersTestApp } from './support/customers-test-app';
import { outboxEventsOf } from './support/outbox';
import { seedRoles, seedUsers } from './support/users';

interface RowResult {
  row: number;
  externalId: string | null;
  outcome: 'created' | 'updated' | 'unchanged' | 'error';
  customer?: Record<string, unknown> & { id: string; version: number };
  errors?: { field: string; message: string }[];
}
interface ImportResult {
  summary: Record<RowResult['outcome'], number>;
  rows: RowResult[];
}

describe(CustomerImportService.name, () => {
  let service: CustomersTestApp;
  let dataSource: DataSource;
  const tenantId = randomUUID();
  const adminId = randomUUID();
  const repNorth = userState({ tenantId, orgPath: 'emea.north' });
  const repSouth = userState({ tenantId, orgPath: 'emea.south' });
  const repApac = userState({ tenantId, orgPath: 'apac' });
  let admin: string;
  let regionalManager: string;
  let importer: string;

  // A tenant-defined role that imports but may not see credit limits.
  const importerRole: RolePolicy = {
    id: randomUUID(),
    tenantId,
    name: 'importer',
    rank: 15,
    scope: 'all',
    requiresTotp: false,
    actions: ['customer:read', 'customer:import'],
    fieldRules: { customer: { unreadable: ['creditLimit'], unwritable: ['creditLimit'] } },
    version: 1,
    builtIn: false,
    updatedAt: new Date().toISOString(),
  };

  beforeAll(async () => {
    service = await startCustomersTestApp();
    dataSource = service.app.get(DataSource);
    await seedUsers(service.app, [repNorth, repSouth, repApac]);
    await seedRoles(service.app, [importerRole]);
    admin = await service.jwks.sign({ sub: adminId, tid: tenantId, roles: ['admin'], org: 'hq' });
    regionalManager = await service.jwks.sign({ tid: tenantId, roles: ['regional_manager'], org: 'emea' });
    importer = await service.jwks.sign({ tid: tenantId, roles: ['importer'], org: 'hq', scope: 'all', rank: 15 });
  });

  afterAll(async () => {
    await service?.close();
  });

  async function importRows(rows: unknown[], token = admin, headers: Record<string, string> = {}): Promise<ImportResult> {
    const response = await service.app.inject({
      method: 'POST',
      url: '/api/v1/customers/import',
      headers: { authorization: `Bearer ${token}`, ...headers },
      payload: { rows },
    });
    expect(response.statusCode).toBe(200);
    return response.json();
  }

  // This tenant's events only: the outbox is the whole run's, written to as well by the apps of test files in other jest workers.
  const outboxSize = async (): Promise<number> => {
    const [row] = await dataSource.query<{ count: string }[]>(`SELECT count(*) FROM customers.outbox WHERE payload->>'tenantid' = $1`, [tenantId]);
    return Number(row!.count);
  };

  const good = (externalId: string, overrides: Record<string, unknown> = {}) => ({
    externalId,
    name: `Shop ${externalId}`,
    grade: 'B',
    location: { lat: 48.1374, lng: 11.5755 },
    address: 'Marienplatz 1, München',
    contacts: [{ name: 'Jo Berg', phone: '+49 89 1' }],
    tags: ['retail'],
    ownerId: repNorth.id,
    creditLimit: 5000,
    ...overrides,
  });

  it('creates the good rows and reports each bad one with its reason, in request order, without failing the others', async () => {
    const prefix = randomUUID().slice(0, 8);
    const rows = [
      good(`${prefix}-1`),
      { externalId: `${prefix}-2` },
      good(`${prefix}-3`, { location: { lat: 91, lng: 11 } }),
      'not a row',
      good(`${prefix}-1`, { name: 'Again' }),
      good(`${prefix}-6`, { ownerId: randomUUID() }),
      good(`${prefix}-7`, { colour: 'blue' }),
      good(`${prefix}-8`, { grade: 'A', tags: [] }),
    ];
    const before = await outboxSize();
    const result = await importRows(rows);

    expect(result.summary).toEqual({ created: 2, updated: 0, unchanged: 0, error: 6 });
    expect(result.rows.map((row) => [row.row, row.outcome])).toEqual([
      [0, 'created'],
      [1, 'error'],
      [2, 'error'],
      [3, 'error'],
      [4, 'error'],
      [5, 'error'],
      [6, 'error'],
      [7, 'created'],
    ]);
    const fieldsOf = (row: number) => result.rows[row]!.errors!.map((error) => error.field);
    expect(fieldsOf(1)).toEqual(['name']);
    expect(fieldsOf(2)).toEqual(['location.lat']);
    expect(fieldsOf(3)).toEqual(['row']);
    expect(result.rows[4]!.errors).toEqual([{ field: 'externalId', message: 'repeats row 0 of this import' }]);
    expect(fieldsOf(5)).toEqual(['ownerId']);
    expect(fieldsOf(6)).toEqual(['colour']);
    expect(result.rows[0]!.customer).toMatchObject({ externalId: `${prefix}-1`, ownerId: repNorth.id, orgPath: 'emea.north', version: 1 });
    expect(result.rows[7]!.customer).toMatchObject({ grade: 'A', tags: [] });
    expect((await outboxSize()) - before).toBe(2);
    const [created] = await outboxEventsOf(dataSource, result.rows[0]!.customer!.id);
    expect(created).toMatchObject({ type: 'fieldforce.customers.customer.created.v1', data: { customer: result.rows[0]!.customer } });
  });

  it('changes and publishes nothing when the same file is imported again, bad rows included', async () => {
    const prefix = randomUUID().slice(0, 8);
    const rows = [...Array.from({ length: 20 }, (_, index) => good(`${prefix}-${index}`)), { externalId: `${prefix}-bad` }];
    const first = await importRows(rows);
    const before = await outboxSize();

    const again = await importRows(rows);

    expect(first.summary).toEqual({ created: 20, updated: 0, unchanged: 0, error: 1 });
    expect(again.summary).toEqual({ created: 0, updated: 0, unchanged: 20, error: 1 });
    expect(again.rows.slice(0, 20).map((row) => row.customer)).toEqual(first.rows.slice(0, 20).map((row) => row.customer));
    expect(await outboxSize()).toBe(before);
  });

  it('updates only the fields a row carries and publishes updated, graded or assigned as fits', async () => {
    const prefix = randomUUID().slice(0, 8);
    const [address, grade, owner] = (await importRows([good(`${prefix}-a`), good(`${prefix}-g`), good(`${prefix}-o`)])).rows;

    const result = await importRows([
      { externalId: `${prefix}-a`, name: `Shop ${prefix}-a`, address: 'Neuhauser Str. 2' },
      { externalId: `${prefix}-g`, name: `Shop ${prefix}-g`, grade: 'D' },
      { externalId: `${prefix}-o`, name: `Shop ${prefix}-o`, ownerId: repSouth.id },
    ]);

    expect(result.summary).toEqual({ created: 0, updated: 3, unchanged: 0, error: 0 });
    expect(result.rows[0]!.customer).toEqual({
      ...address!.customer,
      address: 'Neuhauser Str. 2',
      version: 2,
      updatedAt: expect.any(String),
    });
    const lastEvent = async (row: RowResult | undefined) => (await outboxEventsOf(dataSource, row!.customer!.id)).at(-1);
    expect(await lastEvent(address)).toMatchObject({ type: 'fieldforce.customers.customer.updated.v1', data: { changedFields: ['address'] } });
    expect(await lastEvent(grade)).toMatchObject({ type: 'fieldforce.customers.customer.graded.v1', data: { changedFields: ['grade'] } });
    expect(await lastEvent(owner)).toMatchObject({
      type: 'fieldforce.customers.customer.assigned.v1',
      data: { previousOwnerId: repNorth.id, newOwnerId: repSouth.id, customer: { orgPath: 'emea.south', version: 2 } },
    });
  });

  it('keeps to the importer\'s data scope: a customer outside it and an owner outside it are row errors', async () => {
    const prefix = randomUUID().slice(0, 8);
    await importRows([good(`${prefix}-apac`, { ownerId: repApac.id })]);

    const result = await importRows(
      [good(`${prefix}-apac`, { name: 'Renamed from EMEA' }), good(`${prefix}-new`, { ownerId: repApac.id }), good(`${prefix}-ok`, { ownerId: repSouth.id })],
      regionalManager,
    );

    expect(result.rows.map((row) => row.outcome)).toEqual(['error', 'error', 'created']);
    expect(result.rows[0]!.errors).toEqual([{ field: 'externalId', message: 'belongs to a customer outside your data scope' }]);
    expect(result.rows[1]!.errors!.map((error) => error.field)).toEqual(['ownerId']);
  });

  it("masks what the importer may not read in the results, and refuses rows writing it", async () => {
    const prefix = randomUUID().slice(0, 8);
    const { creditLimit: _creditLimit, ...withoutCredit } = good(`${prefix}-1`);
    const result = await importRows([withoutCredit, good(`${prefix}-2`)], importer);

    expect(result.rows[0]).toMatchObject({ outcome: 'created' });
    expect(result.rows[0]!.customer).not.toHaveProperty('creditLimit');
    expect(result.rows[1]).toMatchObject({ outcome: 'error', errors: [{ field: 'creditLimit' }] });
    expect((await importRows([withoutCredit], importer)).rows[0]!.customer).not.toHaveProperty('creditLimit');
  });

  it('takes more rows than one statement batch of events, all in one request', async () => {
    const prefix = randomUUID().slice(0, 8);
    const rows = Array.from({ length: 1_200 }, (_, index) => good(`${prefix}-${index}`, { location: { lat: 48 + index / 10_000, lng: 11.5 } }));
    const before = await outboxSize();

    const result = await importRows(rows);

    expect(result.summary).toEqual({ created: 1_200, updated: 0, unchanged: 0, error: 0 });
    expect((await outboxSize()) - before).toBe(1_200);
  });

  it('refuses more than 5,000 rows, and users who may not import', async () => {
    const tooMany = await service.app.inject({
      method: 'POST',
      url: '/api/v1/customers/import',
      headers: { authorization: `Bearer ${admin}` },
      payload: { rows: Array.from({ length: 5_001 }, (_, index) => ({ externalId: `x-${index}`, name: 'x' })) },
    });
    const supervisor = await service.jwks.sign({ tid: tenantId, roles: ['supervisor'], org: 'emea.north' });
    const forbidden = await service.app.inject({
      method: 'POST',
      url: '/api/v1/customers/import',
      headers: { authorization: `Bearer ${supervisor}` },
      payload: { rows: [good('x')] },
    });

    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json()).toMatchObject({ errors: [{ field: 'rows' }] });
    expect(forbidden.statusCode).toBe(403);
  });

  it('answers a replay of an import with its Idempotency-Key with the first result', async () => {
    const prefix = randomUUID().slice(0, 8);
    const key = { 'idempotency-key': randomUUID() };
    const first = await importRows([good(`${prefix}-1`)], admin, key);
    const replay = await importRows([good(`${prefix}-1`)], admin, key);

    expect(replay).toEqual(first);
    expect(replay.summary.created).toBe(1);
  });
});
