import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { type CustomerState, createEvent, type EventType, Topics } from '@fieldforce/contracts';
import { CustomerFeedSubscriber } from '../src/modules/customers/customer-feed.subscriber';
import { CustomersReadModel } from '../src/modules/customers/customers-read-model';
import { customerState, seedCustomers } from './support/customers';
import { startVisitsTestApp, type VisitsTestApp } from './support/visits-test-app';

type CustomerEventType = Extract<EventType, `fieldforce.customers.customer.${string}`>;

/** Polls `probe` until it holds; fails naming `what` after `timeoutMs`. */
async function eventually(what: string, probe: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe(CustomerFeedSubscriber.name, () => {
  let service: VisitsTestApp;
  let customers: CustomersReadModel;
  let producer: Producer;
  const tenantId = randomUUID();

  beforeAll(async () => {
    service = await startVisitsTestApp();
    customers = service.app.get(CustomersReadModel);
    producer = new Kafka({ clientId: 'customers', brokers: service.kafka.brokers, logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await service?.close();
  });

  async function publish(type: CustomerEventType, customer: CustomerState): Promise<void> {
    const data =
      type === 'fieldforce.customers.customer.assigned.v1'
        ? { customer, changedFields: ['ownerId'], previousOwnerId: null, newOwnerId: customer.ownerId ?? randomUUID() }
        : { customer, changedFields: ['name'] };
    const event = createEvent(type, { subject: customer.id, tenantId, data });
    await producer.send({
      topic: service.kafka.topicPrefix + Topics.customers.customer,
      acks: -1,
      messages: [{ key: customer.id, value: JSON.stringify(event) }],
    });
  }

  it('keeps each customer from its events on the broker: created, graded, assigned, deleted', async () => {
    const ownerId = randomUUID();
    const created = customerState(tenantId, { grade: 'B' });
    await publish('fieldforce.customers.customer.created.v1', created);
    await publish('fieldforce.customers.customer.graded.v1', { ...created, grade: 'A', version: 2 });
    await publish('fieldforce.customers.customer.assigned.v1', { ...created, grade: 'A', ownerId, orgPath: 'emea.north', version: 3 });
    const deletedAt = '2024-07-16T09:00:00.000Z';
    await publish('fieldforce.customers.customer.deleted.v1', { ...created, grade: 'A', ownerId, orgPath: 'emea.north', version: 4, deletedAt });

    await eventually('the deletion is applied', async () => (await customers.find(tenantId, created.id))?.version === 4);
    expect(await customers.find(tenantId, created.id)).toMatchObject({
      name: created.name,
      grade: 'A',
      lat: 52.5321,
      lng: 13.3849,
      ownerId,
      orgPath: 'emea.north',
      deletedAt: new Date(deletedAt),
    });
  });

  it('ignores a state older than the one already applied, so a reordered or replayed feed cannot roll a customer back', async () => {
    const customer = customerState(tenantId, { grade: 'C' });
    await seedCustomers(service.app, [{ ...customer, grade: 'A', version: 3 }]);
    const feed = service.app.get(CustomerFeedSubscriber);

    const stale = await service.app.get(DataSource).transaction((manager) => feed.apply(manager, { ...customer, version: 2 }));
    const replayed = await service.app.get(DataSource).transaction((manager) => feed.apply(manager, { ...customer, grade: 'B', version: 3 }));

    expect(stale).toBeUndefined();
    expect(replayed).toBeUndefined();
    expect(await customers.find(tenantId, customer.id)).toMatchObject({ grade: 'A', version: 3 });
  });

  it('reports the previous owner when an applied state changes the owner', async () => {
    const firstOwner = randomUUID();
    const secondOwner = randomUUID();
    const customer = customerState(tenantId, { ownerId: firstOwner });
    const feed = service.app.get(CustomerFeedSubscriber);
    const dataSource = service.app.get(DataSource);

    const first = await dataSource.transaction((manager) => feed.apply(manager, customer));
    const renamed = await dataSource.transaction((manager) => feed.apply(manager, { ...customer, name: 'Renamed', version: 2 }));
    const moved = await dataSource.transaction((manager) => feed.apply(manager, { ...customer, ownerId: secondOwner, version: 3 }));

    expect(first).toMatchObject({ ownerChanged: false });
    expect(renamed).toMatchObject({ ownerChanged: false, previousOwnerId: firstOwner });
    expect(moved).toMatchObject({ ownerChanged: true, previousOwnerId: firstOwner, customer: { ownerId: secondOwner } });
  });
});
