import { Injectable, type OnModuleInit } from '@nestjs/common';
import { type EntityManager } from 'typeorm';
import { CustomerFeedSubscriber } from '../customers/customer-feed.subscriber';
import { type AppliedCustomer } from '../customers/customers-read-model';

/** Moves a customer's open tasks due today or later to its new owner and org path when the customer is reassigned. */
@Injectable()
export class TaskReassignment implements OnModuleInit {
  constructor(private readonly feed: CustomerFeedSubscriber) {}

  onModuleInit(): void {
    this.feed.onChange((manager, applied) => this.follow(manager, applied));
  }

  private async follow(manager: EntityManager, { customer, ownerChanged }: AppliedCustomer): Promise<void> {
    if (!ownerChanged) return;
    // In-progress visits stay with the rep on site; finished ones keep their history.
    await manager.query(
      `UPDATE visits.visit_tasks SET assignee_id = $3, org_path = $4, version = version + 1, updated_at = now()
       WHERE tenant_id = $1 AND customer_id = $2 AND status IN ('planned', 'dispatched') AND due_date >= current_date`,
      [customer.tenantId, customer.id, customer.ownerId, customer.orgPath],
    );
  }
}
