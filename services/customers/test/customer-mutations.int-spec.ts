import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { uuidv7 } from '@fieldforce/contracts';
import { MutationsService } from '../src/modules/mutations/mutations.service';
import { customerInput } from './factories/customer.factory';
import { userState } from './factories/user.factory';
import { type CustomersTestApp, startCustomersTestApp } from './support/customers-test-app';
import { outboxEventsOf } from './support/outbox';
import { seedUsers } from './support/users';

interface Conflict {
  field: string;
  base: unknown;
  server: unknown;
  client: unknown;
  winner: 'client' | 'server';
  rule: string;
  serverRank: number;
  clientRank: number;
}
interface Result {
  status: 'applied' | 'merged' | 'rejected';
  version: number;
  conflicts?: Conflict[];
  data: Record<string, unknown> & { id: string; version: number };
}

const YEAR_MS = 365 * 24 * 60 * 60 * 1_000;

describe(MutationsService.name, () => {
  let service: CustomersTestApp;
  let dataSource: DataSource;
  const tenantId = randomUUID();
  const rep = userState({ tenantId, orgPath: 'emea.north' });
  const otherRep = userState({ tenantId, orgPath: 'emea.north' });
  const clientId = randomUUID();
  let mutationId = 0;
  const tokens: Record<'admin' | 'rep' | 'otherRep' | 'supervisor' | 'regionalManager', string> = {
    admin: '',
    rep: '',
    otherRep: '',
    supervisor: '',
    regionalManager: '',
  };

  beforeAll(async () => {
    service = await startCustomersTestApp();
    dataSource = service.app.get(DataSource);
    await seedUsers(service.app, [rep, otherRep]);
    tokens.admin = await service.jwks.sign({ tid: tenantId, roles: ['admin'], org: 'hq' });
    tokens.rep = await service.jwks.sign({ sub: rep.id, tid: tenantId, roles: ['rep'], org: rep.orgPath });
    tokens.otherRep = await service.jwks.sign({ sub: otherRep.id, tid: tenantId, roles: ['rep'], org: otherRep.orgPath });
    tokens.supervisor = await service.jwks.sign({ tid: tenantId, roles: ['supervisor'], org: 'emea.north' });
    tokens.regionalManager = await service.jwks.sign({ tid: tenantId, roles: ['regional_manager'], org: 'emea' });
  });

  afterAll(async () => {
    await service?.close();
  });

  const nextKey = () => `${clientId}:${(mutationId += 1)}`;
  // `null`: no Idempotency-Key header at all.
  const mutate = (token: string, body: object, key: string | null = nextKey(), headers: Record<string, string> = {}) =>
    service.app.inject({
      method: 'POST',
      url: '/internal/v1/mutations',
      headers: { authorization: `Bearer ${token}`, ...(key === null ? {} : { 'idempotency-key': key }), ...headers },
      payload: body,
    });
  const update = (id: string, baseVersion: number, changes: object, base: object = {}) => ({ entity: 'customer', entityId: id, op: 'update', baseVersion, base, changes });
  const read = async (id: string) => (await service.app.inject({ method: 'GET', url: `/api/v1/customers/${id}`, headers: { authorization: `Bearer ${tokens.admin}` } })).json();
  const stampsOf = async (id: string): Promise<Record<string, { version: number; rank: number }>> => {
    const [row] = await dataSource.query<{ field_stamps: Record<string, { version: number; rank: number }> }[]>(
      'SELECT field_stamps FROM customers.customers WHERE id = $1',
      [id],
    );
    return row!.field_stamps;
  };

  /** A customer of the rep at version 1, created over REST by the admin. */
  async function repCustomer(overrides: Record<string, unknown> = {}): Promise<Record<string, unknown> & { id: string }> {
    const response = await service.app.inject({
      method: 'POST',
      url: '/api/v1/customers',
      headers: { authorization: `Bearer ${tokens.admin}` },
      payload: customerInput({ ownerId: rep.id, ...overrides }),
    });
    expect(response.statusCode).toBe(201);
    return response.json();
  }

  describe('create', () => {
    it('creates the customer with the id the device chose; a replay answers the stored result and creates nothing more', async () => {
      const id = uuidv7();
      const body = { entity: 'customer', entityId: id, op: 'create', baseVersion: 0, base: {}, changes: { name: 'Kiosk am Markt', tags: ['kiosk'] } };
      const key = nextKey();
      const first = await mutate(tokens.rep, body, key);
      const replay = await mutate(tokens.rep, body, key);

      expect(first.statusCode).toBe(200);
      expect(first.json()).toMatchObject({ status: 'applied', version: 1, data: { id, name: 'Kiosk am Markt', ownerId: rep.id, grade: 'D' } });
      expect(first.json().conflicts).toBeUndefined();
      expect(first.json().data.creditLimit).toBeUndefined();
      expect(replay.statusCode).toBe(200);
      expect(replay.json()).toEqual(first.json());
      expect((await outboxEventsOf(dataSource, id)).map((event) => event.type)).toEqual(['fieldforce.customers.customer.created.v1']);
      expect(await stampsOf(id)).toMatchObject({ name: { version: 1, rank: 10 }, tags: { version: 1, rank: 10 }, ownerId: { version: 1, rank: 10 } });

      const otherPayload = await mutate(tokens.rep, { ...body, changes: { name: 'Another name' } }, key);
      expect(otherPayload.statusCode).toBe(422);
      expect(otherPayload.json()).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
      expect((await read(id)).name).toBe('Kiosk am Markt');
    });

    it('treats a create whose id exists as an update from version 0: changes since then are conflicts the ranks decide', async () => {
      const existing = await repCustomer({ address: 'Admin street 1' });
      const response = await mutate(tokens.rep, {
        entity: 'customer',
        entityId: existing.id,
        op: 'create',
        baseVersion: 0,
        changes: { name: existing.name, address: 'Rep street 2', tags: ['new-tag'] },
      });

      expect(response.statusCode).toBe(200);
      const result = response.json<Result>();
      expect(result.status).toBe('merged');
      expect(result.conflicts).toEqual([
        { field: 'address', base: null, server: 'Admin street 1', client: 'Rep street 2', winner: 'server', rule: 'rank', serverRank: 100, clientRank: 10 },
        { field: 'tags', base: null, server: existing.tags, client: ['new-tag'], winner: 'server', rule: 'rank', serverRank: 100, clientRank: 10 },
      ]);
      expect(result.data).toMatchObject({ id: existing.id, address: 'Admin street 1', version: 1 });
      expect(await outboxEventsOf(dataSource, existing.id)).toHaveLength(1);
    });

    it("answers 404 for a create of an existing id outside the user's scope, changing nothing", async () => {
      const existing = await repCustomer();
      const response = await mutate(tokens.otherRep, { entity: 'customer', entityId: existing.id, op: 'create', changes: { name: 'Mine now' } });

      expect(response.statusCode).toBe(404);
      expect((await read(existing.id)).name).toBe(existing.name);
    });
  });

  describe('conflicts', () => {
    it('lets the supervisor win over the rep on the same field when the rep writes first', async () => {
      const customer = await repCustomer();
      const repResult = await mutate(tokens.rep, update(customer.id, 1, { address: 'Rep address' }, { address: customer.address }));
      const supervisorResult = await mutate(tokens.supervisor, update(customer.id, 1, { address: 'Supervisor address' }, { address: customer.address }));

      expect(repResult.json()).toMatchObject({ status: 'applied', version: 2 });
      expect(supervisorResult.json<Result>()).toMatchObject({
        status: 'merged',
        version: 3,
        conflicts: [
          { field: 'address', base: customer.address, server: 'Rep address', client: 'Supervisor address', winner: 'client', rule: 'rank', serverRank: 10, clientRank: 20 },
        ],
      });
      expect((await read(customer.id)).address).toBe('Supervisor address');
      expect((await stampsOf(customer.id)).address).toEqual({ version: 3, rank: 20 });
    });

    it('lets the supervisor win over the rep on the same field when the supervisor writes first, and tells the rep', async () => {
      const customer = await repCustomer();
      const supervisorResult = await mutate(tokens.supervisor, update(customer.id, 1, { address: 'Supervisor address' }));
      const repResult = await mutate(tokens.rep, update(customer.id, 1, { address: 'Rep address' }, { address: customer.address }));

      expect(supervisorResult.json()).toMatchObject({ status: 'applied', version: 2 });
      expect(repResult.statusCode).toBe(200);
      expect(repResult.json<Result>()).toMatchObject({
        status: 'merged',
        version: 2,
        conflicts: [
          { field: 'address', base: customer.address, server: 'Supervisor address', client: 'Rep address', winner: 'server', rule: 'rank', serverRank: 20, clientRank: 10 },
        ],
        data: { address: 'Supervisor address', version: 2 },
      });
      expect((await read(customer.id)).address).toBe('Supervisor address');
      // The losing write changed nothing, so it published nothing.
      expect((await outboxEventsOf(dataSource, customer.id)).map((event) => event.type)).toEqual([
        'fieldforce.customers.customer.created.v1',
        'fieldforce.customers.customer.updated.v1',
      ]);
    });

    it('keeps both changes when rep and supervisor change different fields of the same base', async () => {
      const customer = await repCustomer();
      const supervisorResult = await mutate(tokens.supervisor, update(customer.id, 1, { name: 'Renamed by supervisor' }));
      const repResult = await mutate(tokens.rep, update(customer.id, 1, { address: 'Rep address', tags: ['visited'] }));

      expect(supervisorResult.json()).toMatchObject({ status: 'applied', version: 2 });
      expect(repResult.json()).toMatchObject({ status: 'applied', version: 3 });
      expect(repResult.json().conflicts).toBeUndefined();
      expect(await read(customer.id)).toMatchObject({ name: 'Renamed by supervisor', address: 'Rep address', tags: ['visited'], version: 3 });
      const [, , event] = await outboxEventsOf(dataSource, customer.id);
      expect(event!.data.changedFields.sort()).toEqual(['address', 'tags']);
    });

    it('sees no conflict when both set the same value, and writes nothing the second time', async () => {
      const customer = await repCustomer();
      await mutate(tokens.supervisor, update(customer.id, 1, { address: 'Same address' }));
      const repResult = await mutate(tokens.rep, update(customer.id, 1, { address: 'Same address' }));

      expect(repResult.json()).toMatchObject({ status: 'applied', version: 2, data: { address: 'Same address' } });
      expect(repResult.json().conflicts).toBeUndefined();
      expect(await outboxEventsOf(dataSource, customer.id)).toHaveLength(2);
    });

    it('decides an edit followed by a delete by rank: the regional manager deletes over the rep\'s edit', async () => {
      const customer = await repCustomer();
      await mutate(tokens.rep, update(customer.id, 1, { address: 'Rep address' }));
      const deletion = await mutate(tokens.regionalManager, { entity: 'customer', entityId: customer.id, op: 'delete', baseVersion: 1, base: {} });

      expect(deletion.json<Result>()).toMatchObject({
        status: 'merged',
        version: 3,
        conflicts: [{ field: '$deleted', base: false, server: false, client: true, winner: 'client', rule: 'rank', serverRank: 10, clientRank: 30 }],
      });
      expect(deletion.json().data.deletedAt).toEqual(expect.any(String));
      expect((await outboxEventsOf(dataSource, customer.id)).map((event) => event.type).at(-1)).toBe('fieldforce.customers.customer.deleted.v1');
      expect((await stampsOf(customer.id)).$deleted).toEqual({ version: 3, rank: 30 });
    });

    it('decides a delete followed by an edit by rank: the rep\'s edit of a customer the regional manager deleted is rejected', async () => {
      const customer = await repCustomer();
      await mutate(tokens.regionalManager, { entity: 'customer', entityId: customer.id, op: 'delete', baseVersion: 1 });
      const edit = await mutate(tokens.rep, update(customer.id, 1, { address: 'Rep address' }));

      expect(edit.statusCode).toBe(200);
      expect(edit.json<Result>()).toMatchObject({
        status: 'rejected',
        version: 2,
        conflicts: [{ field: '$deleted', base: false, server: true, client: false, winner: 'server', rule: 'rank', serverRank: 30, clientRank: 10 }],
        data: { deletedAt: expect.any(String), address: customer.address },
      });
      expect((await service.app.inject({ method: 'GET', url: `/api/v1/customers/${customer.id}`, headers: { authorization: `Bearer ${tokens.admin}` } })).statusCode).toBe(404);
    });

    it('lets a higher rank restore a customer a lower rank deleted, by editing it', async () => {
      const customer = await repCustomer();
      // Deleted by a writer of rep rank (a tenant role may grant reps customer:delete), set up in the table.
      await dataSource.query(
        `UPDATE customers.customers SET deleted_at = now(), version = 2, field_stamps = field_stamps || '{"$deleted": {"version": 2, "rank": 10}}'::jsonb WHERE id = $1`,
        [customer.id],
      );
      const edit = await mutate(tokens.supervisor, update(customer.id, 1, { address: 'Still open' }));

      expect(edit.json<Result>()).toMatchObject({ status: 'merged', version: 3, data: { address: 'Still open', deletedAt: null } });
      expect((await read(customer.id)).address).toBe('Still open');
    });

    it('follows the tenant\'s conflict policy: server-wins keeps the server value even against a higher rank', async () => {
      const policyTenant = randomUUID();
      const owner = userState({ tenantId: policyTenant, orgPath: 'emea.north' });
      await seedUsers(service.app, [owner]);
      const admin = await service.jwks.sign({ tid: policyTenant, roles: ['admin'], org: 'hq' });
      const ownerToken = await service.jwks.sign({ sub: owner.id, tid: policyTenant, roles: ['rep'], org: owner.orgPath });
      const supervisor = await service.jwks.sign({ tid: policyTenant, roles: ['supervisor'], org: 'emea.north' });
      const settings = { grades: ['A', 'B', 'C', 'D'], customFields: [], conflictPolicy: 'server-wins' };
      expect((await service.app.inject({ method: 'PUT', url: '/api/v1/customer-settings', headers: { authorization: `Bearer ${admin}` }, payload: settings })).statusCode).toBe(200);
      const created = await mutate(ownerToken, { entity: 'customer', entityId: uuidv7(), op: 'create', changes: { name: 'Policy test' } });
      const id = created.json().data.id;
      await mutate(ownerToken, update(id, 1, { address: 'Rep first' }));
      const supervisorResult = await mutate(supervisor, update(id, 1, { address: 'Supervisor later' }));

      expect(supervisorResult.json<Result>().conflicts).toEqual([expect.objectContaining({ field: 'address', winner: 'server', rule: 'server-wins' })]);
      expect(supervisorResult.json().data.address).toBe('Rep first');
    });
  });

  describe('concurrency', () => {
    it('lets the supervisor win over the rep on the same field whatever the arrival order when both arrive at once', async () => {
      for (let round = 0; round < 3; round += 1) {
        const customer = await repCustomer();
        const [repResult, supervisorResult] = await Promise.all([
          mutate(tokens.rep, update(customer.id, 1, { address: `Rep ${round}` })),
          mutate(tokens.supervisor, update(customer.id, 1, { address: `Supervisor ${round}` })),
        ]);
        expect([repResult.statusCode, supervisorResult.statusCode]).toEqual([200, 200]);
        expect((await read(customer.id)).address).toBe(`Supervisor ${round}`);
        // Whoever came second saw the other's change as a conflict; the rep loses either way.
        const repLost = repResult.json<Result>().conflicts?.[0]?.winner === 'server';
        const supervisorOverrode = supervisorResult.json<Result>().conflicts?.[0]?.winner === 'client';
        expect(repLost !== supervisorOverrode).toBe(true);
      }
    });

    it('applies a mutation sent twice at once exactly once, both answered with the same result', async () => {
      const customer = await repCustomer();
      const key = nextKey();
      const body = update(customer.id, 1, { tags: ['twice'] });
      const [first, second] = await Promise.all([mutate(tokens.rep, body, key), mutate(tokens.rep, body, key)]);

      expect(first.statusCode).toBe(200);
      expect(second.json()).toEqual(first.json());
      expect(await read(customer.id)).toMatchObject({ tags: ['twice'], version: 2 });
      expect(await outboxEventsOf(dataSource, customer.id)).toHaveLength(2);
    });
  });

  describe('every channel stamps the fields it changes', () => {
    it('counts a REST PATCH like a sync change: the supervisor\'s PATCH beats a rep\'s offline edit of the same field', async () => {
      const customer = await repCustomer();
      const patch = await service.app.inject({
        method: 'PATCH',
        url: `/api/v1/customers/${customer.id}`,
        headers: { authorization: `Bearer ${tokens.supervisor}`, 'if-match': '"1"' },
        payload: { address: 'Patched by supervisor' },
      });
      expect(patch.statusCode).toBe(200);
      expect((await stampsOf(customer.id)).address).toEqual({ version: 2, rank: 20 });

      const repResult = await mutate(tokens.rep, update(customer.id, 1, { address: 'Rep offline' }));
      expect(repResult.json<Result>()).toMatchObject({ status: 'merged', conflicts: [{ field: 'address', winner: 'server', serverRank: 20 }] });
      expect((await read(customer.id)).address).toBe('Patched by supervisor');
    });

    it('stamps an assignment (owner and org path) and an import update with the writer\'s rank, set-based', async () => {
      const customer = await repCustomer({ externalId: `CRM-${randomUUID()}` });
      const assign = await service.app.inject({
        method: 'POST',
        url: '/api/v1/customers/assign',
        headers: { authorization: `Bearer ${tokens.supervisor}` },
        payload: { customerIds: [customer.id], ownerId: otherRep.id },
      });
      expect(assign.statusCode).toBe(200);
      expect((await stampsOf(customer.id)).ownerId).toEqual({ version: 2, rank: 20 });

      const imported = await service.app.inject({
        method: 'POST',
        url: '/api/v1/customers/import',
        headers: { authorization: `Bearer ${tokens.admin}` },
        payload: { rows: [{ externalId: customer.externalId, name: 'Imported name' }] },
      });
      expect(imported.json().rows[0]).toMatchObject({ outcome: 'updated', customer: { version: 3 } });
      expect(await stampsOf(customer.id)).toMatchObject({ name: { version: 3, rank: 100 }, ownerId: { version: 2, rank: 20 } });

      // The new owner's offline edit of the name, made before the import, loses to the admin's import.
      const otherRepResult = await mutate(tokens.otherRep, update(customer.id, 2, { name: 'Rep name' }));
      expect(otherRepResult.json<Result>()).toMatchObject({ status: 'merged', conflicts: [{ field: 'name', winner: 'server', serverRank: 100 }] });
    });
  });

  it('decides nothing by clocks: device clocks a year ahead or behind give the same outcome, and stored times are the server\'s', async () => {
    const outcomes: unknown[] = [];
    for (const offset of [YEAR_MS, -YEAR_MS]) {
      const customer = await repCustomer();
      const deviceTime = new Date(Date.now() + offset).toISOString();
      await mutate(tokens.supervisor, update(customer.id, 1, { address: 'Supervisor address' }));
      const response = await mutate(
        tokens.rep,
        update(customer.id, 1, { address: 'Rep address' }, { address: customer.address, updatedAt: deviceTime, createdAt: deviceTime }),
        nextKey(),
        { date: new Date(Date.now() + offset).toUTCString() },
      );
      const result = response.json<Result>();
      outcomes.push({ status: result.status, winners: result.conflicts?.map((conflict) => conflict.winner) });
      const stored = await read(customer.id);
      expect(Math.abs(Date.parse(stored.updatedAt) - Date.now())).toBeLessThan(60_000);
    }
    expect(outcomes).toEqual([
      { status: 'merged', winners: ['server'] },
      { status: 'merged', winners: ['server'] },
    ]);
  });

  describe('bad mutations', () => {
    it('answers 4xx problem+json and changes nothing: out of scope, unwritable field, bad shape, impossible place, no key', async () => {
      const customer = await repCustomer();
      const cases: [string, string, object, string | null, number][] = [
        ['out of scope', tokens.otherRep, update(customer.id, 1, { address: 'x' }), nextKey(), 404],
        ['unknown customer', tokens.rep, update(uuidv7(), 1, { address: 'x' }), nextKey(), 404],
        ['unwritable field', tokens.rep, update(customer.id, 1, { grade: 'B', address: 'x' }), nextKey(), 403],
        ['unknown field', tokens.rep, update(customer.id, 1, { colour: 'red' }), nextKey(), 400],
        ['owner through update', tokens.supervisor, update(customer.id, 1, { ownerId: otherRep.id }), nextKey(), 400],
        ['impossible location', tokens.rep, update(customer.id, 1, { location: { lat: 91, lng: 0 } }), nextKey(), 422],
        ['no Idempotency-Key', tokens.rep, update(customer.id, 1, { address: 'x' }), null, 400],
        ['another entity', tokens.rep, { ...update(customer.id, 1, { address: 'x' }), entity: 'visit-task' }, nextKey(), 400],
        ['negative base version', tokens.rep, update(customer.id, -1, { address: 'x' }), nextKey(), 400],
        ['delete without customer:delete', tokens.rep, { entity: 'customer', entityId: customer.id, op: 'delete', baseVersion: 1 }, nextKey(), 403],
        ['delete with changes', tokens.regionalManager, { entity: 'customer', entityId: customer.id, op: 'delete', baseVersion: 1, changes: { name: 'x' } }, nextKey(), 400],
      ];
      for (const [what, token, body, key, status] of cases) {
        const response = await mutate(token, body, key);
        expect({ what, status: response.statusCode }).toEqual({ what, status });
        expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      }
      const unwritable = await mutate(tokens.rep, update(customer.id, 1, { grade: 'B' }));
      expect(unwritable.json()).toMatchObject({ code: 'AUTH_FIELDS_NOT_WRITABLE' });
      expect(JSON.stringify(unwritable.json())).toContain('grade');
      expect(await read(customer.id)).toMatchObject({ version: 1, address: customer.address });
      expect(await outboxEventsOf(dataSource, customer.id)).toHaveLength(1);
    });

    it('is not served through the public API prefix', async () => {
      const response = await service.app.inject({
        method: 'POST',
        url: '/api/v1/internal/v1/mutations',
        headers: { authorization: `Bearer ${tokens.rep}`, 'idempotency-key': nextKey() },
        payload: {},
      });
      expect(response.statusCode).toBe(404);
    });
  });
});
