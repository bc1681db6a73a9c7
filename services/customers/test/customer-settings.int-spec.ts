import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { CustomerSettingsService } from '../src/modules/settings/customer-settings.service';
import { customerInput } from './factories/customer.factory';
import { userState } from './factories/user.factory';
import { type CustomersTestApp, startCustomersTestApp } from './support/customers-test-app';
import { outboxEventsOf } from './support/outbox';
import { seedUsers } from './support/users';

const SETTINGS_URL = '/api/v1/customer-settings';

const settingsBody = (overrides: Record<string, unknown> = {}) => ({
  grades: ['Gold', 'Silver', 'Bronze'],
  customFields: [
    { key: 'shelfMeters', label: 'Shelf metres', type: 'number', required: true, min: 0, max: 500 },
    { key: 'channel', type: 'choice', options: ['pharmacy', 'kiosk'] },
    { key: 'contractEnds', type: 'date' },
  ],
  conflictPolicy: 'server-wins',
  ...overrides,
});

describe(CustomerSettingsService.name, () => {
  let service: CustomersTestApp;
  let dataSource: DataSource;
  const repId = randomUUID();
  let admin: (tenantId: string) => Promise<string>;

  beforeAll(async () => {
    service = await startCustomersTestApp();
    dataSource = service.app.get(DataSource);
    admin = (tenantId) => service.jwks.sign({ tid: tenantId, roles: ['admin'], org: 'hq' });
  });

  afterAll(async () => {
    await service?.close();
  });

  const auth = (token: string, headers: Record<string, string> = {}) => ({ authorization: `Bearer ${token}`, ...headers });
  const putSettings = (token: string, payload: object, headers: Record<string, string> = {}) =>
    service.app.inject({ method: 'PUT', url: SETTINGS_URL, headers: auth(token, headers), payload });
  const getSettings = (token: string) => service.app.inject({ method: 'GET', url: SETTINGS_URL, headers: auth(token) });
  const createCustomer = (token: string, overrides: Record<string, unknown> = {}) =>
    service.app.inject({ method: 'POST', url: '/api/v1/customers', headers: auth(token), payload: customerInput(overrides) });

  /** A tenant with the settings of `settingsBody()`, and its admin's token. */
  async function configuredTenant(): Promise<{ tenantId: string; token: string }> {
    const tenantId = randomUUID();
    const token = await admin(tenantId);
    expect((await putSettings(token, settingsBody())).statusCode).toBe(200);
    return { tenantId, token };
  }

  it('answers the defaults to any reader of a tenant that never set any', async () => {
    const tenantId = randomUUID();
    const rep = await service.jwks.sign({ sub: repId, tid: tenantId, roles: ['rep'], org: 'hq.north' });
    const response = await getSettings(rep);

    expect(response.statusCode).toBe(200);
    expect(response.headers.etag).toBeUndefined();
    expect(response.json()).toEqual({ tenantId, grades: ['A', 'B', 'C', 'D'], customFields: [], conflictPolicy: 'rank', version: 0, updatedAt: null });
  });

  it('lets only a role granting customer-settings:manage change them; the change is versioned and published', async () => {
    const tenantId = randomUUID();
    for (const roles of [['rep'], ['supervisor'], ['regional_manager']]) {
      const token = await service.jwks.sign({ tid: tenantId, roles, org: 'hq' });
      const refused = await putSettings(token, settingsBody());
      expect(refused.statusCode).toBe(403);
    }
    const token = await admin(tenantId);
    const response = await putSettings(token, settingsBody());

    expect(response.statusCode).toBe(200);
    expect(response.headers.etag).toBe('"1"');
    expect(response.json()).toMatchObject({ grades: ['Gold', 'Silver', 'Bronze'], conflictPolicy: 'server-wins', version: 1 });
    expect(response.json().customFields[1]).toEqual({ key: 'channel', type: 'choice', required: false, options: ['pharmacy', 'kiosk'] });
    expect((await getSettings(token)).json()).toEqual(response.json());
    const events = await outboxEventsOf(dataSource, tenantId);
    expect(events).toEqual([
      {
        type: 'fieldforce.customers.settings.updated.v1',
        data: { settings: response.json(), changedFields: ['grades', 'customFields', 'conflictPolicy'] },
      },
    ]);

    // The same settings again change nothing and publish nothing; another policy alone is one change.
    expect((await putSettings(token, settingsBody())).json()).toMatchObject({ version: 1 });
    const policy = await putSettings(token, settingsBody({ conflictPolicy: 'rank' }), { 'if-match': '"1"' });
    expect(policy.json()).toMatchObject({ version: 2, conflictPolicy: 'rank' });
    expect((await outboxEventsOf(dataSource, tenantId)).map((event) => event.data)).toHaveLength(2);
    expect((await outboxEventsOf(dataSource, tenantId))[1]?.data).toMatchObject({ changedFields: ['conflictPolicy'] });
  });

  it('refuses a stale If-Match with 412, malformed settings with 400 and impossible definitions with 422, changing nothing', async () => {
    const { tenantId, token } = await configuredTenant();
    const stale = await putSettings(token, settingsBody({ grades: ['X'] }), { 'if-match': '"7"' });
    const malformed = [
      await putSettings(token, settingsBody({ grades: [] })),
      await putSettings(token, settingsBody({ conflictPolicy: 'newest-wins' })),
      await putSettings(token, settingsBody({ customFields: [{ key: 'a', type: 'colour' }] })),
    ];
    const impossible = await putSettings(
      token,
      settingsBody({
        grades: ['A', 'B', 'A', ' '],
        customFields: [
          { key: 'size', type: 'number', min: 10, max: 1 },
          { key: 'kind', type: 'choice' },
          { key: 'kind', type: 'text', min: 1 },
        ],
      }),
    );

    expect(stale.statusCode).toBe(412);
    expect(malformed.map((response) => response.statusCode)).toEqual([400, 400, 400]);
    expect(impossible.statusCode).toBe(422);
    expect(impossible.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(impossible.json().errors.map((error: { field: string }) => error.field)).toEqual([
      'customFields[0].max',
      'customFields[1].options',
      'customFields[2].key',
      'customFields[2].min',
      'grades[2]',
      'grades[3]',
    ]);
    expect((await getSettings(token)).json()).toMatchObject({ version: 1, grades: ['Gold', 'Silver', 'Bronze'] });
    expect(await outboxEventsOf(dataSource, tenantId)).toHaveLength(1);
  });

  it('refuses to remove grades that live customers have, naming them; a deleted customer does not hold its grade', async () => {
    const { token } = await configuredTenant();
    const gold = await createCustomer(token, { grade: 'Gold', customFields: { shelfMeters: 3 } });
    const bronze = await createCustomer(token, { grade: 'Bronze', customFields: { shelfMeters: 3 } });
    expect([gold.statusCode, bronze.statusCode]).toEqual([201, 201]);

    const refused = await putSettings(token, settingsBody({ grades: ['Silver'] }));
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'CUSTOMER_SETTINGS_GRADES_IN_USE', details: { grades: ['Bronze', 'Gold'] } });
    expect(refused.json().errors).toEqual([
      { field: 'grades', message: 'Bronze is the grade of 1 customers' },
      { field: 'grades', message: 'Gold is the grade of 1 customers' },
    ]);
    expect((await getSettings(token)).json()).toMatchObject({ version: 1 });

    await service.app.inject({ method: 'DELETE', url: `/api/v1/customers/${bronze.json().id}`, headers: auth(token) });
    const renamed = await putSettings(token, settingsBody({ grades: ['Gold', 'Silver'] }));
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json()).toMatchObject({ grades: ['Gold', 'Silver'], version: 2 });
  });

  it('makes a grade removal wait for a customer write in flight, then sees its customer (409)', async () => {
    const { tenantId, token } = await configuredTenant();
    const settings = service.app.get(CustomerSettingsService);
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    try {
      await settings.forCustomerWrite(runner.manager, tenantId);
      await runner.query(`INSERT INTO customers.customers (id, tenant_id, version, name, grade) VALUES ($1, $2, 1, 'In flight', 'Bronze')`, [
        randomUUID(),
        tenantId,
      ]);
      let settled = false;
      const removal = putSettings(token, settingsBody({ grades: ['Gold', 'Silver'] })).finally(() => {
        settled = true;
      });
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(settled).toBe(false);
      await runner.commitTransaction();
      const response = await removal;
      expect(response.statusCode).toBe(409);
      expect(response.json().details).toMatchObject({ grades: ['Bronze'] });
    } finally {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      await runner.release();
    }
  });

  describe('customers under the settings', () => {
    it("takes the tenant's lowest grade by default and refuses a grade outside its list with 422", async () => {
      const { token } = await configuredTenant();
      const { grade: _grade, ...withoutGrade } = customerInput({ customFields: { shelfMeters: 1 } });
      const defaulted = await service.app.inject({ method: 'POST', url: '/api/v1/customers', headers: auth(token), payload: withoutGrade });
      const refused = await createCustomer(token, { grade: 'A', customFields: { shelfMeters: 1 } });

      expect(defaulted.statusCode).toBe(201);
      expect(defaulted.json().grade).toBe('Bronze');
      expect(refused.statusCode).toBe(422);
      expect(refused.json()).toMatchObject({ code: 'CUSTOMER_INVALID_FIELDS', errors: [{ field: 'grade', message: 'must be one of Gold, Silver, Bronze' }] });
    });

    it('checks custom fields on create: unknown keys, wrong types and missing required fields are a 422 naming each path', async () => {
      const { token } = await configuredTenant();
      const id = randomUUID();
      const refused = await createCustomer(token, { id, grade: 'Gold', customFields: { colour: 'red', channel: 'bakery', contractEnds: '2025-13-01' } });

      expect(refused.statusCode).toBe(422);
      expect(refused.json().errors.map((error: { field: string }) => error.field)).toEqual([
        'customFields.colour',
        'customFields.channel',
        'customFields.contractEnds',
        'customFields.shelfMeters',
      ]);
      expect((await service.app.inject({ method: 'GET', url: `/api/v1/customers/${id}`, headers: auth(token) })).statusCode).toBe(404);
      const accepted = await createCustomer(token, { grade: 'Gold', customFields: { shelfMeters: 4.5, channel: 'kiosk', contractEnds: '2027-06-30' } });
      expect(accepted.statusCode).toBe(201);
      expect(accepted.json().customFields).toEqual({ shelfMeters: 4.5, channel: 'kiosk', contractEnds: '2027-06-30' });
    });

    it("refuses any custom field of a tenant without definitions, and a rep's default grade follows the tenant's list", async () => {
      const tenantId = randomUUID();
      await seedUsers(service.app, [userState({ id: repId, tenantId, orgPath: 'hq.north' })]);
      const rep = await service.jwks.sign({ sub: repId, tid: tenantId, roles: ['rep'], org: 'hq.north' });
      const { grade: _grade, creditLimit: _limit, ...repInput } = customerInput();
      const refused = await service.app.inject({
        method: 'POST',
        url: '/api/v1/customers',
        headers: auth(rep),
        payload: { ...repInput, customFields: { openingHours: '8-18' } },
      });
      const created = await service.app.inject({ method: 'POST', url: '/api/v1/customers', headers: auth(rep), payload: repInput });

      expect(refused.statusCode).toBe(422);
      expect(refused.json().errors).toEqual([{ field: 'customFields.openingHours', message: "is not one of this tenant's customer fields" }]);
      expect(created.statusCode).toBe(201);
      expect(created.json().grade).toBe('D');
    });

    it('checks custom fields on PATCH only when sent, and a bad PATCH changes nothing', async () => {
      const { token } = await configuredTenant();
      const created = (await createCustomer(token, { grade: 'Gold', customFields: { shelfMeters: 2 } })).json();
      const patch = (payload: object, version: number) =>
        service.app.inject({ method: 'PATCH', url: `/api/v1/customers/${created.id}`, headers: auth(token), payload: { ...payload, version } });

      const refused = await patch({ name: 'Renamed', customFields: { shelfMeters: 900 } }, 1);
      expect(refused.statusCode).toBe(422);
      expect(refused.json().errors).toEqual([{ field: 'customFields.shelfMeters', message: 'must be at most 500' }]);
      const missingRequired = await patch({ customFields: { channel: 'kiosk' } }, 1);
      expect(missingRequired.json().errors).toEqual([{ field: 'customFields.shelfMeters', message: 'is required' }]);
      const badGrade = await patch({ grade: 'Platinum' }, 1);
      expect(badGrade.statusCode).toBe(422);

      const renamed = await patch({ name: 'Renamed' }, 1);
      expect(renamed.statusCode).toBe(200);
      expect(renamed.json()).toMatchObject({ name: 'Renamed', version: 2, customFields: { shelfMeters: 2 } });
    });

    it('makes an import row with bad custom fields or grade an error row with the reason; the other rows apply', async () => {
      const { token } = await configuredTenant();
      const response = await service.app.inject({
        method: 'POST',
        url: '/api/v1/customers/import',
        headers: auth(token),
        payload: {
          rows: [
            { externalId: 'S-1', name: 'Good', grade: 'Silver', customFields: { shelfMeters: 10 } },
            { externalId: 'S-2', name: 'Unknown key', customFields: { shelfMeters: 10, colour: 'red' } },
            { externalId: 'S-3', name: 'Missing required' },
            { externalId: 'S-4', name: 'Bad grade', grade: 'A', customFields: { shelfMeters: 1 } },
          ],
        },
      });

      expect(response.statusCode).toBe(200);
      const { summary, rows } = response.json();
      expect(summary).toEqual({ created: 1, updated: 0, unchanged: 0, error: 3 });
      expect(rows[0]).toMatchObject({ outcome: 'created', customer: { grade: 'Silver', customFields: { shelfMeters: 10 } } });
      expect(rows.slice(1).map((row: { errors: unknown }) => row.errors)).toEqual([
        [{ field: 'customFields.colour', message: "is not one of this tenant's customer fields" }],
        [{ field: 'customFields.shelfMeters', message: 'is required' }],
        [{ field: 'grade', message: 'must be one of Gold, Silver, Bronze' }],
      ]);

      // An update row is checked only for what it carries.
      const update = await service.app.inject({
        method: 'POST',
        url: '/api/v1/customers/import',
        headers: auth(token),
        payload: { rows: [{ externalId: 'S-1', name: 'Good, renamed' }, { externalId: 'S-1b', name: 'x', customFields: { shelfMeters: 'ten' } }] },
      });
      expect(update.json().rows.map((row: { outcome: string }) => row.outcome)).toEqual(['updated', 'error']);
    });

    it('keeps tenants apart: one tenant\'s settings never apply to another', async () => {
      const { token } = await configuredTenant();
      const other = await admin(randomUUID());
      expect((await getSettings(other)).json()).toMatchObject({ grades: ['A', 'B', 'C', 'D'], version: 0 });
      expect((await createCustomer(other, { grade: 'A' })).statusCode).toBe(201);
      expect((await createCustomer(token, { grade: 'A', customFields: { shelfMeters: 1 } })).statusCode).toBe(422);
    });
  });
});
