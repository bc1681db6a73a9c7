import { Injectable, type OnModuleInit } from '@nestjs/common';
import { type EventHandler, EventSubscriptions } from '@fieldforce/messaging';
import { CustomerLocationsService } from './customer-locations.service';

type CustomerEventType =
  | 'fieldforce.customers.customer.created.v1'
  | 'fieldforce.customers.customer.updated.v1'
  | 'fieldforce.customers.customer.graded.v1'
  | 'fieldforce.customers.customer.deleted.v1'
  | 'fieldforce.customers.customer.assigned.v1';

/** Keeps the customer locations up to date from the customers service's events (each carries the full state). */
@Injectable()
export class CustomerLocationsSubscriber implements OnModuleInit {
  constructor(
    private readonly subscriptions: EventSubscriptions,
    private readonly customers: CustomerLocationsService,
  ) {}

  onModuleInit(): void {
    const apply =
      <T extends CustomerEventType>(): EventHandler<T> =>
      (event, manager) =>
        this.customers.apply(manager, event.data.customer);
    this.subscriptions.subscribe('customer-locations', {
      'fieldforce.customers.customer.created.v1': apply(),
      'fieldforce.customers.customer.updated.v1': apply(),
      'fieldforce.customers.customer.graded.v1': apply(),
      'fieldforce.customers.customer.deleted.v1': apply(),
      'fieldforce.customers.customer.assigned.v1': apply(),
    });
  }
}
