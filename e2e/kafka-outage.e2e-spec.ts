import { randomUUID } from 'node:crypto';
import { uuidv7 } from '@fieldforce/contracts';
import { type DevBroker, startDevBroker } from '@fieldforce/kafka-dev-broker';
import {
  KafkaTopicCollector,
  type ServiceProcess,
  freePort,
  startServiceProcess,
  testDatabaseUrl,
  testJwks,
} from '@fieldforce/testing';

// Kafka down while Postgres is up: the service starts, keeps accepting writes (they wait in the
// outbox), reports Kafka in its readiness, and delivers everything once a broker answers.
describe('a service started while Kafka is down', () => {
  let customers: ServiceProcess;
  let broker: DevBroker | undefined;
  let events: KafkaTopicCollector | undefined;
  let kafkaPort: number;

  beforeAll(async () => {
    kafkaPort = await freePort();
    customers = await startServiceProcess(
      'customers',
      { ...(await testJwks()).env(), DATABASE_URL: testDatabaseUrl('customers'), KAFKA_BROKERS: `127.0.0.1:${kafkaPort}` },
      { readyPath: '/health/live' },
    );
  }, 120_000);

  afterAll(async () => {
    await events?.stop();
    await customers?.stop();
    await broker?.stop();
  });

  it('accepts writes, reports not ready, and publishes them once a broker answers', async () => {
    const tenantId = randomUUID();
    const ids = [uuidv7(), uuidv7()];
    const token = await (await testJwks()).sign({ tid: tenantId, roles: ['admin'] });
    for (const id of ids) {
      const created = await fetch(`${customers.url}/api/v1/customers`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ id, name: `Outage customer ${id}`, grade: 'C' }),
      });
      expect(created.status).toBe(201);
    }
    const notReady = await fetch(`${customers.url}/health/ready`);
    expect(notReady.status).toBe(503);

    broker = await startDevBroker({ port: kafkaPort });
    events = await KafkaTopicCollector.start({ brokers: broker.brokers, topicPrefix: '' }, 'fieldforce.customers.customer.v1');
    const delivered = await events.waitFor((record) => ids.includes(record.key ?? ''), 2, 50_000);

    expect(delivered.map((record) => record.key).sort()).toEqual([...ids].sort());
    const deadline = Date.now() + 20_000;
    let ready = 503;
    while (ready !== 200 && Date.now() < deadline) {
      ready = (await fetch(`${customers.url}/health/ready`)).status;
      if (ready !== 200) await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(ready).toBe(200);
  }, 90_000);
});
