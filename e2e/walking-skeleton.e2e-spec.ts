import { randomUUID } from 'node:crypto';
import { uuidv7 } from '@fieldforce/contracts';
import {
  KafkaTopicCollector,
  type ServiceProcess,
  freePort,
  startServiceProcess,
  testJwks,
  testDatabaseUrl,
  testKafka,
} from '@fieldforce/testing';

// The walking skeleton as a user meets it: separate processes, only the gateway's port used.
describe('walking skeleton through the gateway', () => {
  let customers: ServiceProcess;
  let gateway: ServiceProcess;
  let events: KafkaTopicCollector;

  beforeAll(async () => {
    const kafka = testKafka();
    const kafkaEnv = { KAFKA_BROKERS: kafka.brokers.join(','), KAFKA_TOPIC_PREFIX: kafka.topicPrefix };
    events = await KafkaTopicCollector.start(kafka, `${kafka.topicPrefix}fieldforce.customers.customer.v1`);
    const jwks = await testJwks();
    customers = await startServiceProcess('customers', {
      ...kafkaEnv,
      ...jwks.env(),
      DATABASE_URL: testDatabaseUrl('customers'),
    });
    // Only customers runs here: the other upstreams point at a closed port, never at a developer's running platform.
    const nowhere = `http://127.0.0.1:${await freePort()}`;
    gateway = await startServiceProcess('gateway', {
      ...jwks.env(),
      UPSTREAM_CUSTOMERS_URL: customers.url,
      UPSTREAM_PERMISSIONS_URL: nowhere,
      UPSTREAM_VISITS_URL: nowhere,
      UPSTREAM_CHECKINS_URL: nowhere,
      UPSTREAM_SYNC_URL: nowhere,
    });
  }, 120_000);

  afterAll(async () => {
    await gateway?.stop();
    await customers?.stop();
    await events?.stop();
  });

  it('creates and reads a customer through the gateway, and the event reaches Kafka', async () => {
    const tenantId = randomUUID();
    const id = uuidv7();
    const token = await (await testJwks()).sign({ tid: tenantId, roles: ['admin'] });
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-request-id': `e2e-${id}` };

    const created = await fetch(`${gateway.url}/api/v1/customers`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ id, name: 'Kiosk am Markt', grade: 'B', location: { lat: 48.137, lng: 11.575 } }),
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('x-request-id')).toBe(`e2e-${id}`);

    const read = await fetch(`${gateway.url}/api/v1/customers/${id}`, { headers });
    expect(read.status).toBe(200);
    expect(read.headers.get('etag')).toBe('"1"');
    expect(await read.json()).toMatchObject({ id, tenantId, name: 'Kiosk am Markt', grade: 'B', version: 1 });

    const [record] = await events.waitFor((message) => message.key === id);
    expect(JSON.parse(record!.value)).toMatchObject({ type: 'fieldforce.customers.customer.created.v1', subject: id });
  });

  it('publishes the running services\' routes in the aggregated API docs', async () => {
    const docs = (await (await fetch(`${gateway.url}/docs/openapi.json`)).json()) as {
      paths: Record<string, unknown>;
      info: Record<string, unknown>;
    };

    expect(Object.keys(docs.paths)).toEqual(expect.arrayContaining(['/api/v1/customers', '/api/v1/customers/{id}']));
    expect(docs.info['x-unavailable-services']).toEqual(['permissions', 'visits', 'checkins', 'sync']);
  });

  it('stops a service gracefully on SIGTERM, within its shutdown budget', async () => {
    const extra = await startServiceProcess('visits', {
      KAFKA_BROKERS: testKafka().brokers.join(','),
      DATABASE_URL: testDatabaseUrl('visits'),
      LOG_LEVEL: 'info',
    });
    // Nest re-raises the signal once the app has closed; SIGKILL would mean the budget ran out.
    expect(await extra.stop(20_000)).toBe('SIGTERM');
    expect(extra.output()).toContain('shutting down on SIGTERM');
  });
});
