import { DataSource } from 'typeorm';
import { createEvent, type CustomerState } from '@fieldforce/contracts';
import { type EnvSource } from '@fieldforce/platform';
import { eventually, type ServiceTestApp, startServiceTestApp, TestEventPublisher } from '@fieldforce/testing';
import { AppModule } from '../../src/app.module';
import { type CheckinsConfig, CheckinsEnv, toCheckinsConfig } from '../../src/config/checkins.config';
import { checkinsProblemMappings } from '../../src/problem-mappings';

export type CheckinsTestApp = ServiceTestApp<CheckinsConfig>;

/** The checkins service as `main.ts` builds it, over this run's database, Redis and broker, trusting a test JWKS. */
export function startCheckinsTestApp(env: EnvSource = {}): Promise<CheckinsTestApp> {
  return startServiceTestApp(
    { service: 'checkins', Env: CheckinsEnv, toConfig: toCheckinsConfig, module: (config) => AppModule.forConfig(config), problemMappings: checkinsProblemMappings },
    { env },
  );
}

/**
 * Publishes `customer.created` for each customer, as the customers service does, and waits until
 * checkins' read model holds them all (check-ins are judged against it).
 */
export async function announceCustomers(service: CheckinsTestApp, customers: readonly CustomerState[]): Promise<void> {
  const publisher = await TestEventPublisher.connect(service.kafka);
  try {
    await publisher.publish(
      ...customers.map((customer) =>
        createEvent('fieldforce.customers.customer.created.v1', { subject: customer.id, tenantId: customer.tenantId, data: { customer, changedFields: ['name'] } }),
      ),
    );
  } finally {
    await publisher.disconnect();
  }
  const dataSource = service.app.get(DataSource);
  const ids = customers.map((customer) => customer.id);
  await eventually(`${ids.length} customers are known`, async () => {
    const [row] = await dataSource.query<{ count: number }[]>('SELECT count(*)::int AS count FROM checkins.customers WHERE id = ANY($1)', [ids]);
    return row!.count === ids.length;
  });
}
