import { randomUUID } from 'node:crypto';
import { type DynamicModule, Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { type EventOf } from '@fieldforce/contracts';
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

/** Stands in for the service's TypeOrmModule: the DataSource, visible everywhere. */
function dataSourceModule(dataSource: DataSource): DynamicModule {
  @Module({})
  class TestDataSourceModule {}
  return {
    module: TestDataSourceModule,
    global: true,
    providers: [{ provide: DataSource, useValue: dataSource }],
    exports: [DataSource],
  };
}

describe(MessagingModule.name, () => {
  let env: MessagingTestEnv;

  beforeAll(async () => {
    env = await createMessagingTestEnv('module');
    await env.dataSource.query(`CREATE TABLE ${env.schema}.customer_copy (id uuid PRIMARY KEY, name text NOT NULL)`);
  }, 30_000);

  afterAll(async () => {
    await env.close();
  }, 30_000);

  it('publishes through the outbox and delivers to subscribed handlers, and drains the outbox at shutdown', async () => {
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
        this.subscriptions.subscribe('customer-copy', {
          [CREATED]: async (event, manager) => {
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
        dataSourceModule(dataSource),
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
    let closed = false;
    try {
      const id = randomUUID();
      await moduleRef.get(CustomerService).create(id, 'Corner Pharmacy Süd');
      await eventually('the subscribed handler applied the event', async () => {
        const rows = await dataSource.query<{ name: string }[]>(`SELECT name FROM ${schema}.customer_copy WHERE id = $1`, [id]);
        return rows[0]?.name === 'Corner Pharmacy Süd';
      });

      await moduleRef.get(CustomerService).create(randomUUID(), 'Last Order Before Shutdown');
      await app.close();
      closed = true;
      const [pending] = await dataSource.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM ${schema}.outbox WHERE sent_at IS NULL`,
      );
      expect(pending?.n).toBe(0);
    } finally {
      if (!closed) await app.close();
    }
  });
});
