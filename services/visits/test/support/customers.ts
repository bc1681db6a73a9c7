import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { type CustomerState, uuidv7 } from '@fieldforce/contracts';
import { CustomerFeedSubscriber } from '../../src/modules/customers/customer-feed.subscriber';

/** A customer state as a customer event carries it; `overrides` replace fields. */
export function customerState(tenantId: string, overrides: Partial<CustomerState> = {}): CustomerState {
  return {
    id: uuidv7(),
    tenantId,
    name: 'Corner Pharmacy Nord',
    grade: 'A',
    location: { lat: 52.5321, lng: 13.3849 },
    address: null,
    contacts: [],
    tags: [],
    externalId: null,
    ownerId: null,
    orgPath: null,
    creditLimit: null,
    customFields: {},
    version: 1,
    createdAt: '2024-07-15T08:30:00.000Z',
    updatedAt: '2024-07-15T08:30:00.000Z',
    deletedAt: null,
    ...overrides,
  };
}

/**
 * Tells the service about customers as their events would, through the same handler the consumer
 * runs (without the broker round trip, which customers-read-model.int-spec covers).
 */
export async function seedCustomers(app: NestFastifyApplication, customers: readonly CustomerState[]): Promise<void> {
  const feed = app.get(CustomerFeedSubscriber);
  await app.get(DataSource).transaction(async (manager) => {
    for (const customer of customers) await feed.apply(manager, customer);
  });
}
