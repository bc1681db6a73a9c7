import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { type AggregateEventType, createEvent, Topics, type UserState } from '@fieldforce/contracts';
import { OwnerMovesSubscriber } from '../src/modules/customers/owner-moves.subscriber';
import { UsersReadModel } from '../src/modules/users/users-read-model';
import { customerInput } from './factories/customer.factory';
import { userState } from './factories/user.factory';
import { type CustomersTestApp, startCustomersTestApp } from './support/customers-test-app';
import { outboxEventsOf } from './support/outbox';
import { seedUsers } from './support/users';

type UserEventType = AggregateEventType<'permissions', 'user'>;

/** Polls `probe` until it holds; fails naming `what` after `timeoutMs`. */
async function eventually(what: string, probe: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe(OwnerMovesSubscriber.name, () => {
  let service: CustomersTestApp;
  let dataSource: DataSource;
  let users: UsersReadModel;
  let producer: Producer;
  const tenantId = randomUUID();
  const supervisorId = randomUUID();
  let supervisor: string;

  beforeAll(async () => {
    service = await startCustomersTestApp();
    dataSource = service.app.get(DataSource);
    users = service.app.get(UsersReadModel);
    supervisor = await service.jwks.sign({ sub: supervisorId, tid: tenantId, roles: ['supervisor'], org: 'emea.north' });
    producer = new Kafka({ clientId: 'permissions', brokers: service.kafka.brokers, logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await service?.close();
  });

  async function publish(type: UserEventType, user: UserState, previous?: { orgPath?: string }): Promise<void> {
    const event = createEvent(type, { subject: user.id, tenantId: user.tenantId, data: { user, changedFields: ['orgPath'], previous } });
    await producer.send({
      topic: service.kafka.topicPrefix + Topics.permissions.user,
      acks: -1,
      messages: [{ key: user.id, value: JSON.stringify(event) }],
    });
  }

  const createFor = async (ownerId: string) => {
    const response = await service.app.inject({
      method: 'POST',
      url: '/api/v1/customers',
      headers: { authorization: `Bearer ${supervisor}` },
      payload: customerInput({ ownerId, creditLimit: undefined }),
    });
    return response;
  };

  it('learns users from the user topic, and moves their customers with them when they move', async () => {
    const rep = userState({ tenantId, orgPath: 'emea.north' });
    await publish('fieldforce.permissions.user.created.v1', rep);
    await eventually('the rep is known', async () => (await users.find(tenantId, rep.id)) !== undefined);

    const created = await createFor(rep.id);
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ ownerId: rep.id, orgPath: 'emea.north', version: 1 });

    await publish('fieldforce.permissions.user.moved.v1', { ...rep, orgPath: 'emea.south', version: 2 }, { orgPath: 'emea.north' });
    await eventually('the customer moved with its owner', async () => {
      const [row] = await dataSource.query<{ org_path: string }[]>('SELECT org_path FROM customers.customers WHERE id = $1', [
        created.json().id,
      ]);
      return row?.org_path === 'emea.south';
    });
    const events = await outboxEventsOf(dataSource, created.json().id);
    expect(events[1]).toMatchObject({
      type: 'fieldforce.customers.customer.updated.v1',
      data: { changedFields: ['orgPath'], customer: { orgPath: 'emea.south', version: 2 } },
    });
    // Out of the supervisor's team now.
    const read = await service.app.inject({
      method: 'GET',
      url: `/api/v1/customers/${created.json().id}`,
      headers: { authorization: `Bearer ${supervisor}` },
    });
    expect(read.statusCode).toBe(404);
  });

  it('ignores a user event older than the state it has, and moves nothing for it', async () => {
    const rep = userState({ tenantId, orgPath: 'emea.north', version: 3 });
    await seedUsers(service.app, [rep]);
    const created = await createFor(rep.id);

    await seedUsers(service.app, [{ ...rep, orgPath: 'emea.west', version: 2 }]);

    expect(await users.find(tenantId, rep.id)).toMatchObject({ orgPath: 'emea.north', version: 3 });
    expect(await outboxEventsOf(dataSource, created.json().id)).toHaveLength(1);
  });

  it('refuses an owner it does not know, one deactivated, and one outside the creator\'s scope, with 422', async () => {
    const deactivated = userState({ tenantId, orgPath: 'emea.north', active: false });
    const elsewhere = userState({ tenantId, orgPath: 'emea.south' });
    await seedUsers(service.app, [deactivated, elsewhere]);

    for (const ownerId of [randomUUID(), deactivated.id, elsewhere.id]) {
      const response = await createFor(ownerId);
      expect(response.statusCode).toBe(422);
      expect(response.json()).toMatchObject({ code: 'CUSTOMER_OWNER_UNKNOWN', errors: [{ field: 'ownerId' }] });
    }
  });
});
