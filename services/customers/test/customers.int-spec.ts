import { randomUUID } from 'node:crypto';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { uuidv7 } from '@fieldforce/contracts';
import { KafkaTopicCollector, type TestJwks } from '@fieldforce/testing';
import { type CustomersTestApp, startCustomersTestApp } from './support/customers-test-app';

const CUSTOMER_TOPIC = 'fieldforce.customers.customer.v1';

describe('customers walking skeleton', () => {
  let service: CustomersTestApp;
  let app: NestFastifyApplication;
  let jwks: TestJwks;
  let dataSource: DataSource;
  let events: KafkaTopicCollector;
  const tenantId = randomUUID();
  const adminId = randomUUID();
  let headers: Record<string, string>;

  const validCustomer = () => ({
    id: uuidv7(),
    name: 'Corner Pharmacy Nord',
    grade: 'A',
    location: { lat: 52.5321, lng: 13.3849 },
    address: 'Invalidenstraße 12, 10115 Berlin',
    contacts: [{ name: 'Mara Lind', email: 'mara.lind@example.com' }],
    tags: ['pharmacy'],
    externalId: `CRM-${randomUUID()}`,
    creditLimit: 25000,
  });

  beforeAll(async () => {
    service = await startCustomersTestApp();
    ({ app, jwks } = service);
    dataSource = app.get(DataSource);
    events = await KafkaTopicCollector.start(service.kafka, service.kafka.topicPrefix + CUSTOMER_TOPIC);
    headers = { authorization: `Bearer ${await jwks.sign({ sub: adminId, tid: tenantId, roles: ['admin'], org: 'hq' })}` };
  });

  afterAll(async () => {
    await events?.stop();
    await service?.close();
  });

  const countRows = async (): Promise<number> => {
    const [row] = await dataSource.query<{ count: string }[]>(
      'SELECT count(*) FROM customers.customers WHERE tenant_id = $1',
      [tenantId],
    );
    return Number(row?.count);
  };

  it('creates a customer, reads it back with its ETag, and publishes customer.created through the outbox', async () => {
    const input = validCustomer();
    const created = await app.inject({ method: 'POST', url: '/api/v1/customers', headers, payload: input });

    expect(created.statusCode).toBe(201);
    expect(created.headers.etag).toBe('"1"');
    const body = created.json();
    expect(body).toMatchObject({ ...input, tenantId, version: 1, ownerId: adminId, orgPath: 'hq', deletedAt: null });

    const read = await app.inject({ method: 'GET', url: `/api/v1/customers/${input.id}`, headers });
    expect(read.statusCode).toBe(200);
    expect(read.headers.etag).toBe('"1"');
    expect(read.json()).toEqual(body);

    const [message] = await events.waitFor((record) => record.key === input.id, 1);
    const event = JSON.parse(message!.value);
    expect(event).toMatchObject({
      specversion: '1.0',
      type: 'fieldforce.customers.customer.created.v1',
      source: '/fieldforce/customers',
      subject: input.id,
      tenantid: tenantId,
      datacontenttype: 'application/json',
    });
    expect(event.data.customer).toEqual(body);
    expect(event.data.changedFields).toEqual(expect.arrayContaining(['name', 'grade', 'location', 'externalId', 'ownerId', 'orgPath']));
  });

  it('stamps the event with the request\'s trace and request id, so the chain can be followed', async () => {
    const input = validCustomer();
    const traceId = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
    await app.inject({
      method: 'POST',
      url: '/api/v1/customers',
      headers: { ...headers, 'x-request-id': `req-${input.id}`, traceparent: `00-${traceId}-0123456789abcdef-01` },
      payload: input,
    });

    const [message] = await events.waitFor((record) => record.key === input.id, 1);
    const event = JSON.parse(message!.value);
    expect(event.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    expect(message!.headers.traceparent).toBe(event.traceparent);
    expect(event).toMatchObject({ correlationid: `req-${input.id}`, causationid: `req-${input.id}` });
  });

  it('answers a replayed create with the same customer and writes and publishes nothing new', async () => {
    const input = validCustomer();
    const first = await app.inject({ method: 'POST', url: '/api/v1/customers', headers, payload: input });
    const replays = await Promise.all(
      [1, 2, 3].map(() => app.inject({ method: 'POST', url: '/api/v1/customers', headers, payload: input })),
    );

    for (const replay of replays) {
      expect(replay.statusCode).toBe(201);
      expect(replay.json()).toEqual(first.json());
    }
    const [outboxRow] = await dataSource.query<{ count: string }[]>(
      'SELECT count(*) FROM customers.outbox WHERE message_key = $1',
      [input.id],
    );
    expect(Number(outboxRow?.count)).toBe(1);
  });

  it('refuses a create that reuses an existing id with other data', async () => {
    const input = validCustomer();
    await app.inject({ method: 'POST', url: '/api/v1/customers', headers, payload: input });
    const clash = await app.inject({ method: 'POST', url: '/api/v1/customers', headers, payload: { ...input, name: 'Other' } });

    expect(clash.statusCode).toBe(409);
    expect(clash.json()).toMatchObject({ status: 409, code: 'CUSTOMER_ALREADY_EXISTS' });
  });

  it('refuses a second customer with the same externalId in the tenant', async () => {
    const input = validCustomer();
    await app.inject({ method: 'POST', url: '/api/v1/customers', headers, payload: input });
    const clash = await app.inject({ method: 'POST', url: '/api/v1/customers', headers, payload: { ...input, id: uuidv7() } });

    expect(clash.statusCode).toBe(409);
    expect(clash.json()).toMatchObject({ code: 'CUSTOMER_EXTERNAL_ID_TAKEN', errors: [{ field: 'externalId' }] });
  });

  it('answers a bad body with 400 problem+json listing every bad field, and writes nothing', async () => {
    const before = await countRows();
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/customers',
      headers,
      payload: {
        grade: 7,
        location: { lat: 'north', lng: 13 },
        contacts: [{ name: 'Mara', email: 'not-an-email' }],
        creditLimit: 'a lot',
        unexpected: true,
      },
    });

    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    const problem = response.json();
    expect(problem).toMatchObject({ status: 400, title: expect.any(String), type: expect.any(String) });
    const fields = (problem.errors as { field: string }[]).map((error) => error.field);
    expect(fields).toEqual(
      expect.arrayContaining(['name', 'grade', 'location.lat', 'contacts.0.email', 'creditLimit', 'unexpected']),
    );
    expect(JSON.stringify(problem)).not.toMatch(/stack|SELECT|INSERT/i);
    expect(await countRows()).toBe(before);
  });

  it('answers an impossible location with 422 naming the coordinate, and writes nothing', async () => {
    const before = await countRows();
    const tooFarNorth = await app.inject({
      method: 'POST',
      url: '/api/v1/customers',
      headers,
      payload: { ...validCustomer(), location: { lat: 91, lng: 13 } },
    });
    // JSON has no NaN, but a number too large for a double parses as Infinity.
    const infinite = await app.inject({
      method: 'POST',
      url: '/api/v1/customers',
      headers: { ...headers, 'content-type': 'application/json' },
      payload: JSON.stringify({ ...validCustomer(), location: { lat: 52, lng: 13 } }).replace('"lng":13', '"lng":1e400'),
    });

    expect(tooFarNorth.statusCode).toBe(422);
    expect(tooFarNorth.json()).toMatchObject({ code: 'GEO_INVALID_LOCATION', errors: [{ field: 'location.lat' }] });
    expect(infinite.statusCode).toBe(422);
    expect(infinite.json()).toMatchObject({ code: 'GEO_INVALID_LOCATION', errors: [{ field: 'location.lng' }] });
    expect(await countRows()).toBe(before);
  });

  it('answers 404 for an unknown id and for another tenant\'s customer', async () => {
    const input = validCustomer();
    await app.inject({ method: 'POST', url: '/api/v1/customers', headers, payload: input });

    const unknown = await app.inject({ method: 'GET', url: `/api/v1/customers/${uuidv7()}`, headers });
    const otherTenant = await app.inject({
      method: 'GET',
      url: `/api/v1/customers/${input.id}`,
      headers: { authorization: `Bearer ${await jwks.sign({ roles: ['admin'] })}` },
    });

    expect(unknown.statusCode).toBe(404);
    expect(otherTenant.statusCode).toBe(404);
    // Same answer as for an id that does not exist: another tenant's records are not revealed.
    expect(otherTenant.json().code).toBe(unknown.json().code);
  });

  it('rejects a request without a token with 401 and a malformed id with 400', async () => {
    const before = await countRows();
    const noToken = await app.inject({ method: 'POST', url: '/api/v1/customers', payload: validCustomer() });
    const badId = await app.inject({ method: 'GET', url: '/api/v1/customers/not-a-uuid', headers });

    expect(noToken.statusCode).toBe(401);
    expect(noToken.json()).toMatchObject({ code: 'AUTH_TOKEN_MISSING' });
    expect(await countRows()).toBe(before);
    expect(badId.statusCode).toBe(400);
  });

});
