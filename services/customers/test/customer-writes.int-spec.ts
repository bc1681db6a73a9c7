import { randomUUID } from 'node:crypto';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { type DataSource } from 'typeorm';
import { DataSource as DataSourceToken } from 'typeorm';
import { uuidv7 } from '@fieldforce/contracts';
import { KafkaTopicCollector } from '@fieldforce/testing';
import { CustomersService } from '../src/modules/customers/customers.service';
import { customerInput } from './factories/customer.factory';
import { userState } from './factories/user.factory';
import { type CustomersTestApp, startCustomersTestApp } from './support/customers-test-app';
import { outboxEventsOf } from './support/outbox';
import { seedUsers } from './support/users';

const CUSTOMER_TOPIC = 'fieldforce.customers.customer.v1';

describe(`${CustomersService.name} writes`, () => {
  let service: CustomersTestApp;
  let app: NestFastifyApplication;
  let dataSource: DataSource;
  const tenantId = randomUUID();
  const adminId = randomUUID();
  const repId = randomUUID();
  let admin: string;
  let rep: string;

  beforeAll(async () => {
    service = await startCustomersTestApp();
    app = service.app;
    dataSource = app.get(DataSourceToken);
    admin = await service.jwks.sign({ sub: adminId, tid: tenantId, roles: ['admin'], org: 'hq' });
    rep = await service.jwks.sign({ sub: repId, tid: tenantId, roles: ['rep'], org: 'hq.north' });
    await seedUsers(app, [userState({ id: repId, tenantId, orgPath: 'hq.north' })]);
  });

  afterAll(async () => {
    await service?.close();
  });

  const auth = (token: string, headers: Record<string, string> = {}) => ({ authorization: `Bearer ${token}`, ...headers });

  async function create(overrides: Record<string, unknown> = {}): Promise<Record<string, unknown> & { id: string }> {
    const response = await app.inject({ method: 'POST', url: '/api/v1/customers', headers: auth(admin), payload: customerInput(overrides) });
    expect(response.statusCode).toBe(201);
    return response.json();
  }

  const patch = (id: string, payload: object, headers: Record<string, string> = {}, token = admin) =>
    app.inject({ method: 'PATCH', url: `/api/v1/customers/${id}`, headers: auth(token, headers), payload });
  const remove = (id: string, headers: Record<string, string> = {}, token = admin) =>
    app.inject({ method: 'DELETE', url: `/api/v1/customers/${id}`, headers: auth(token, headers) });
  const read = (id: string, token = admin) => app.inject({ method: 'GET', url: `/api/v1/customers/${id}`, headers: auth(token) });

  describe('PATCH', () => {
    it('updates the fields sent at the If-Match version, answers the new ETag, and publishes updated with what changed', async () => {
      const customer = await create();
      const events = await KafkaTopicCollector.start(service.kafka, service.kafka.topicPrefix + CUSTOMER_TOPIC);
      try {
        const response = await patch(customer.id, { address: 'Invalidenstraße 14', tags: ['pharmacy', 'key-account'], name: customer.name }, {
          'if-match': '"1"',
        });

        expect(response.statusCode).toBe(200);
        expect(response.headers.etag).toBe('"2"');
        expect(response.json()).toMatchObject({ version: 2, address: 'Invalidenstraße 14', tags: ['pharmacy', 'key-account'], grade: 'A' });
        expect((await read(customer.id)).json()).toEqual(response.json());
        const [record] = await events.waitFor((message) => message.key === customer.id && message.value.includes('.updated.'), 1);
        const event = JSON.parse(record!.value);
        expect(event).toMatchObject({ type: 'fieldforce.customers.customer.updated.v1', data: { customer: response.json() } });
        expect(event.data.changedFields.sort()).toEqual(['address', 'tags']);
      } finally {
        await events.stop();
      }
    });

    it('publishes graded when the grade changes, and clears a nullable field sent as null', async () => {
      const customer = await create();
      const response = await patch(customer.id, { grade: 'C', location: null, version: 1 });

      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ grade: 'C', location: null, version: 2 });
      const events = await outboxEventsOf(dataSource, customer.id);
      expect(events.map((event) => event.type)).toEqual(['fieldforce.customers.customer.created.v1', 'fieldforce.customers.customer.graded.v1']);
      expect(events[1]!.data.changedFields.sort()).toEqual(['grade', 'location']);
    });

    it('answers 412 for a stale If-Match and 409 for a stale body version, changing and publishing nothing', async () => {
      const customer = await create();
      expect((await patch(customer.id, { name: 'First' }, { 'if-match': '"1"' })).statusCode).toBe(200);

      const staleHeader = await patch(customer.id, { name: 'Second' }, { 'if-match': '"1"' });
      const staleBody = await patch(customer.id, { name: 'Third', version: 1 });

      expect(staleHeader.statusCode).toBe(412);
      expect(staleHeader.json()).toMatchObject({ code: 'PRECONDITION_FAILED' });
      expect(staleBody.statusCode).toBe(409);
      expect(staleBody.json()).toMatchObject({ code: 'VERSION_CONFLICT' });
      expect((await read(customer.id)).json()).toMatchObject({ name: 'First', version: 2 });
      expect(await outboxEventsOf(dataSource, customer.id)).toHaveLength(2);
    });

    it('lets exactly one of several concurrent updates of the same version win; the others get 412', async () => {
      const customer = await create();
      const responses = await Promise.all(
        ['a', 'b', 'c', 'd'].map((writer) => patch(customer.id, { name: `Writer ${writer}` }, { 'if-match': '"1"' })),
      );

      expect(responses.map((response) => response.statusCode).sort()).toEqual([200, 412, 412, 412]);
      expect((await read(customer.id)).json()).toMatchObject({ version: 2 });
    });

    it('requires the version being replaced: neither If-Match nor a body version is a 428', async () => {
      const customer = await create();
      const response = await patch(customer.id, { name: 'Blind write' });

      expect(response.statusCode).toBe(428);
      expect(response.json()).toMatchObject({ code: 'PRECONDITION_REQUIRED', status: 428 });
      expect((await read(customer.id)).json()).toMatchObject({ name: customer.name, version: 1 });
    });

    it('answers an unchanged update with the customer as it is: no new version, no event', async () => {
      const customer = await create();
      const response = await patch(customer.id, { name: customer.name, tags: customer.tags }, { 'if-match': '"1"' });

      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual(customer);
      expect(await outboxEventsOf(dataSource, customer.id)).toHaveLength(1);
    });

    it("refuses a rep's change of a field they may not write, naming it, but accepts it sent unchanged", async () => {
      const customer = await create({ ownerId: repId, grade: 'B' });
      const regrade = await patch(customer.id, { grade: 'A' }, { 'if-match': '"1"' }, rep);
      const unchanged = await patch(customer.id, { grade: 'B', address: 'Rep knows better 1' }, { 'if-match': '"1"' }, rep);
      // The credit limit is not even readable for a rep: sending it is refused whatever the value.
      const creditLimit = await patch(customer.id, { creditLimit: 25000 }, { 'if-match': '"2"' }, rep);

      expect(regrade.statusCode).toBe(403);
      expect(regrade.json()).toMatchObject({ code: 'AUTH_FIELDS_NOT_WRITABLE', errors: [{ field: 'grade' }] });
      expect(unchanged.statusCode).toBe(200);
      expect(unchanged.json()).toMatchObject({ grade: 'B', address: 'Rep knows better 1', version: 2 });
      expect(unchanged.json()).not.toHaveProperty('creditLimit');
      expect(creditLimit.statusCode).toBe(403);
      expect(creditLimit.json()).toMatchObject({ errors: [{ field: 'creditLimit' }] });
    });

    it("answers 404 for a customer outside the user's scope and for another tenant's", async () => {
      const customer = await create();
      const outsider = await service.jwks.sign({ roles: ['admin'], tid: randomUUID() });

      expect((await patch(customer.id, { name: 'Mine now' }, { 'if-match': '"1"' }, rep)).statusCode).toBe(404);
      expect((await patch(customer.id, { name: 'Mine now' }, { 'if-match': '"1"' }, outsider)).statusCode).toBe(404);
      expect((await read(customer.id)).json()).toMatchObject({ name: customer.name, version: 1 });
    });

    it('answers an impossible location with 422 and a taken externalId with 409, writing nothing', async () => {
      const taken = await create();
      const customer = await create();

      const badLocation = await patch(customer.id, { location: { lat: 12, lng: -181 } }, { 'if-match': '"1"' });
      const clash = await patch(customer.id, { externalId: taken.externalId }, { 'if-match': '"1"' });

      expect(badLocation.statusCode).toBe(422);
      expect(badLocation.json()).toMatchObject({ code: 'GEO_INVALID_LOCATION', errors: [{ field: 'location.lng' }] });
      expect(clash.statusCode).toBe(409);
      expect(clash.json()).toMatchObject({ code: 'CUSTOMER_EXTERNAL_ID_TAKEN' });
      expect((await read(customer.id)).json()).toEqual(customer);
      expect(await outboxEventsOf(dataSource, customer.id)).toHaveLength(1);
    });

    it('refuses the owner (assignment changes it) and a malformed If-Match with 400', async () => {
      const customer = await create();
      expect((await patch(customer.id, { ownerId: repId }, { 'if-match': '"1"' })).statusCode).toBe(400);
      expect((await patch(customer.id, { name: 'x' }, { 'if-match': '*' })).statusCode).toBe(400);
    });
  });

  describe('DELETE', () => {
    it('soft-deletes: 204, gone from reads, its externalId free again, and deleted published with the last state', async () => {
      const customer = await create();
      const response = await remove(customer.id, { 'if-match': '"1"' });

      expect(response.statusCode).toBe(204);
      expect((await read(customer.id)).statusCode).toBe(404);
      expect((await patch(customer.id, { name: 'Zombie' }, { 'if-match': '"2"' })).statusCode).toBe(404);
      const [, deleted] = await outboxEventsOf(dataSource, customer.id);
      expect(deleted).toMatchObject({
        type: 'fieldforce.customers.customer.deleted.v1',
        data: { changedFields: ['deletedAt'], customer: { id: customer.id, version: 2, deletedAt: expect.any(String) } },
      });
      await create({ externalId: customer.externalId });
    });

    it('refuses a rep (no customer:delete) and a stale If-Match, deleting nothing', async () => {
      const customer = await create({ ownerId: repId });
      expect((await remove(customer.id, {}, rep)).statusCode).toBe(403);
      expect((await remove(customer.id, { 'if-match': '"7"' })).statusCode).toBe(412);
      expect((await read(customer.id)).statusCode).toBe(200);
    });
  });

  describe('Idempotency-Key', () => {
    it('answers a replayed create without a client id with the first customer, never a second one', async () => {
      const key = { 'idempotency-key': randomUUID() };
      const { id: _id, ...body } = customerInput();
      const first = await app.inject({ method: 'POST', url: '/api/v1/customers', headers: auth(admin, key), payload: body });
      const replay = await app.inject({ method: 'POST', url: '/api/v1/customers', headers: auth(admin, key), payload: body });

      expect(first.statusCode).toBe(201);
      expect(replay.statusCode).toBe(201);
      expect(replay.json()).toEqual(first.json());
      const [row] = await dataSource.query<{ count: string }[]>('SELECT count(*) FROM customers.customers WHERE external_id = $1', [body.externalId]);
      expect(Number(row!.count)).toBe(1);
    });

    it('answers a replayed update with the first response instead of a 412, and applies it once', async () => {
      const customer = await create();
      const key = { 'idempotency-key': randomUUID(), 'if-match': '"1"' };
      const first = await patch(customer.id, { name: 'Renamed once' }, key);
      const replay = await patch(customer.id, { name: 'Renamed once' }, key);

      expect(replay.statusCode).toBe(200);
      expect(replay.json()).toEqual(first.json());
      expect(replay.headers.etag).toBe('"2"');
      expect(await outboxEventsOf(dataSource, customer.id)).toHaveLength(2);
    });

    it('refuses the same key with another body with 422, and writes nothing', async () => {
      const customer = await create();
      const key = randomUUID();
      await patch(customer.id, { name: 'First body' }, { 'idempotency-key': key, 'if-match': '"1"' });
      const reused = await patch(customer.id, { name: 'Second body' }, { 'idempotency-key': key, 'if-match': '"2"' });

      expect(reused.statusCode).toBe(422);
      expect(reused.json()).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
      expect((await read(customer.id)).json()).toMatchObject({ name: 'First body', version: 2 });
    });

    it('answers a replayed delete with 204 again', async () => {
      const customer = await create();
      const key = { 'idempotency-key': randomUUID() };
      expect((await remove(customer.id, key)).statusCode).toBe(204);
      expect((await remove(customer.id, key)).statusCode).toBe(204);
      expect((await remove(customer.id)).statusCode).toBe(404);
      expect(await outboxEventsOf(dataSource, customer.id)).toHaveLength(2);
    });
  });

  it('answers 404 to every write of an id that does not exist', async () => {
    const id = uuidv7();
    expect((await patch(id, { name: 'x' }, { 'if-match': '"1"' })).statusCode).toBe(404);
    expect((await remove(id)).statusCode).toBe(404);
  });
});
