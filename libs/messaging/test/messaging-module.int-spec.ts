import { randomUUID } from 'node:crypto';
import { type DynamicModule, Injectable, Module, type OnModuleInit, type ValueProvider } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { type EventOf, createCloudEvent } from '@fieldforce/contracts';
import { ShutdownRegistry, TraceContext } from '@fieldforce/observability';
import { DataSource } from 'typeorm';
import { EventSubscriptions, MessagingModule, OutboxPublisher } from '../src';
import {
  createMessagingTestEnv,
  CREATED,
  customerCreated,
  eventually,
  type MessagingTestEnv,
} from './support/messaging-test-env';

// Broker round trips and consumer-group joins: well above jest's 5 s default on a busy machine.
jest.setTimeout(60_000);

/** Stands in for the service's TypeOrmModule (the DataSource) and, optionally, its ObservabilityModule. */
function infrastructureModule(dataSource: DataSource, shutdown?: ShutdownRegistry): DynamicModule {
  @Module({})
  class TestInfrastructureModule {}
  const providers: ValueProvider[] = [{ provide: DataSource, useValue: dataSource }];
  if (shutdown) providers.push({ provide: ShutdownRegistry, useValue: shutdown });
  return { module: TestInfrastructureModule, global: true, providers, exports: providers.map((p) => p.provide) };
}

describe(MessagingModule.name, () => {
  let env: MessagingTestEnv;
  /** The trace context each handled event ran in, by aggregate id. */
  const handlerContexts = new Map<string, TraceContext | undefined>();

  beforeAll(async () => {
    env = await createMessagingTestEnv('module');
    await env.dataSource.query(`CREATE TABLE ${env.schema}.customer_copy (id uuid PRIMARY KEY, name text NOT NULL)`);
  }, 30_000);

  afterAll(async () => {
    await env.close();
  }, 30_000);

  const copied = async (id: string, name: string) => {
    const rows = await env.dataSource.query<{ name: string }[]>(
      `SELECT name FROM ${env.schema}.customer_copy WHERE id = $1`,
      [id],
    );
    return rows[0]?.name === name;
  };

  const pending = async () => {
    const [row] = await env.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM ${env.schema}.outbox WHERE sent_at IS NULL`,
    );
    return row?.n;
  };

  /** A customers-like app: a use case publishing through the outbox, a feature module consuming (as group `customers.<consumer>`). */
  async function createApp(shutdown?: ShutdownRegistry, consumer = `customer-copy-${randomUUID()}`) {
    const { schema, dataSource } = env;

    @Injectable()
    class CustomerService {
      constructor(private readonly outbox: OutboxPublisher) {}

      async create(id: string, name: string): Promise<EventOf<typeof CREATED>> {
        return dataSource.transaction(async (manager) => {
          const data = customerCreated(id, 1);
          data.customer.name = name;
          return this.outbox.publish(manager, CREATED, { subject: id, tenantId: data.customer.tenantId, data });
        });
      }
    }

    @Injectable()
    class CustomerCopy implements OnModuleInit {
      constructor(private readonly subscriptions: EventSubscriptions) {}

      onModuleInit(): void {
        this.subscriptions.subscribe(consumer, {
          [CREATED]: async (event, manager) => {
            handlerContexts.set(event.subject, TraceContext.current());
            await manager.query(`INSERT INTO ${schema}.customer_copy (id, name) VALUES ($1, $2)`, [
              event.subject,
              event.data.customer.name,
            ]);
          },
        });
      }
    }

    @Module({ providers: [CustomerService, CustomerCopy] })
    class CustomersFeatureModule {}

    const moduleRef = await Test.createTestingModule({
      imports: [
        infrastructureModule(dataSource, shutdown),
        MessagingModule.forServiceAsync({
          useFactory: () => ({
            service: 'customers',
            schema,
            kafka: env.kafka.settings,
            logger: env.logger,
            relay: { pollIntervalMs: 200 },
          }),
        }),
        CustomersFeatureModule,
      ],
    }).compile();
    // An application context runs the same lifecycle hooks as the HTTP app.
    const app = await moduleRef.init();
    return { app, customers: app.get(CustomerService) };
  }

  it('publishes through the outbox and delivers to subscribed handlers, and drains the outbox at shutdown', async () => {
    const { app, customers } = await createApp();
    let closed = false;
    try {
      const id = randomUUID();
      await customers.create(id, 'Corner Pharmacy Süd');
      await eventually('the subscribed handler applied the event', () => copied(id, 'Corner Pharmacy Süd'));

      await customers.create(randomUUID(), 'Last Order Before Shutdown');
      await app.close();
      closed = true;
      expect(await pending()).toBe(0);
    } finally {
      if (!closed) await app.close();
    }
  });

  it('carries the cause along the chain: request → published event → handler of that event', async () => {
    const { app, customers } = await createApp();
    try {
      const id = randomUUID();
      const request = TraceContext.start().causedBy('req-42', 'req-42');
      const event = await TraceContext.run(request, () => customers.create(id, 'Traced Customer'));

      expect(event).toMatchObject({ correlationid: 'req-42', causationid: 'req-42' });
      expect(event.traceparent).toContain(request.traceId);
      await eventually('the subscribed handler applied the event', () => copied(id, 'Traced Customer'));
      const handled = handlerContexts.get(id);
      expect(handled).toMatchObject({ traceId: request.traceId, correlationId: 'req-42', causationId: event.id });
    } finally {
      await app.close();
    }
  });

  it('hands consumer and relay shutdown to the ShutdownRegistry phases when the service has one', async () => {
    const shutdown = new ShutdownRegistry();
    const { app, customers } = await createApp(shutdown);
    try {
      const id = randomUUID();
      await customers.create(id, 'Kiosk am Markt');
      await eventually('the subscribed handler applied the event', () => copied(id, 'Kiosk am Markt'));

      await shutdown.runPhases(Date.now() + 20_000);
      // The relay is stopped: a later change stays in the outbox for the next start.
      await customers.create(randomUUID(), 'After Shutdown');
      expect(await pending()).toBe(1);
    } finally {
      await app.close();
      await env.dataSource.query(`DELETE FROM ${env.schema}.outbox`);
    }
  });

  it('starts without waiting for its consumers to join: a group held by a member that stopped answering delays only the consumer', async () => {
    const consumer = `customer-copy-${randomUUID()}`;
    const group = env.kafka.consumerGroup(`customers.${consumer}`);
    // A member stuck in a batch, as a process frozen or killed in the middle of one: it neither
    // heartbeats nor leaves, so the group cannot rebalance before its session times out.
    const holder = env.kafka.createConsumer(`customers.${consumer}`, { sessionTimeout: 30_000, heartbeatInterval: 1_000 });
    let memberId = '';
    holder.on(holder.events.GROUP_JOIN, (event) => void (memberId = event.payload.memberId));
    let release = (): void => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    let holding = false;
    await holder.connect();
    await holder.subscribe({ topics: [env.topic], fromBeginning: true });
    await holder.run({
      eachBatch: async () => {
        holding = true;
        await released;
      },
    });
    const id = randomUUID();
    const data = customerCreated(id, 1);
    data.customer.name = 'Waiting For The Group';
    const event = createCloudEvent({ service: 'customers', type: CREATED, subject: id, tenantId: data.customer.tenantId, data });
    const producer = env.kafka.createProducer();
    await producer.connect();
    await producer.send({ topic: env.topic, acks: -1, messages: [{ key: id, value: JSON.stringify(event) }] });
    await producer.disconnect();
    await eventually('the stuck member holds a batch', () => holding);

    const admin = env.kafka.createAdmin();
    await admin.connect();
    const { app } = await createApp(undefined, consumer);
    try {
      // Started while the stuck member still holds the group: the start did not wait for the rebalance.
      const { groups } = await admin.describeGroups([group]);
      expect(groups[0]?.members.map((member) => member.memberId)).toContain(memberId);
      // Once its session timed out, the consumer joined in the background and took the event.
      await eventually('the consumer joined after the stuck member left and applied the event', () => copied(id, 'Waiting For The Group'), 90_000);
    } finally {
      release();
      await holder.disconnect();
      await admin.disconnect();
      await app.close();
    }
  }, 150_000);
});
