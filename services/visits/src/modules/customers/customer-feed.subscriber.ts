import { Injectable, type OnModuleInit } from '@nestjs/common';
import { type EntityManager } from 'typeorm';
import { type CustomerState } from '@fieldforce/contracts';
import { type EventHandler, EventSubscriptions } from '@fieldforce/messaging';
import { type AppliedCustomer, CustomersReadModel } from './customers-read-model';

/** Consumer name of the customer feed; the group is `visits.customers`. */
export const CUSTOMERS_CONSUMER = 'customers';

type CustomerEventType =
  | 'fieldforce.customers.customer.created.v1'
  | 'fieldforce.customers.customer.updated.v1'
  | 'fieldforce.customers.customer.graded.v1'
  | 'fieldforce.customers.customer.deleted.v1'
  | 'fieldforce.customers.customer.assigned.v1';

/** Reacts to a customer change after the read model took it, in the same transaction (e.g. tasks follow a new owner). */
export type CustomerChangeListener = (manager: EntityManager, applied: AppliedCustomer) => Promise<void>;

/** Keeps the customers read model from the customer events; every event carries the full state. */
@Injectable()
export class CustomerFeedSubscriber implements OnModuleInit {
  private readonly listeners: CustomerChangeListener[] = [];

  constructor(
    private readonly subscriptions: EventSubscriptions,
    private readonly customers: CustomersReadModel,
  ) {}

  onModuleInit(): void {
    const handle =
      <T extends CustomerEventType>(): EventHandler<T> =>
      async (event, manager) => {
        await this.apply(manager, event.data.customer);
      };
    this.subscriptions.subscribe(CUSTOMERS_CONSUMER, {
      'fieldforce.customers.customer.created.v1': handle(),
      'fieldforce.customers.customer.updated.v1': handle(),
      'fieldforce.customers.customer.graded.v1': handle(),
      'fieldforce.customers.customer.deleted.v1': handle(),
      'fieldforce.customers.customer.assigned.v1': handle(),
    });
  }

  /** Runs `listener` on every applied (not stale) customer change. */
  onChange(listener: CustomerChangeListener): void {
    this.listeners.push(listener);
  }

  /** Applies one customer state in the consuming transaction of `manager`; undefined when it was stale. */
  async apply(manager: EntityManager, state: CustomerState): Promise<AppliedCustomer | undefined> {
    const applied = await this.customers.apply(manager, state);
    if (!applied) return undefined;
    for (const listener of this.listeners) await listener(manager, applied);
    return applied;
  }
}
