import { Injectable, type OnModuleInit } from '@nestjs/common';
import { type EntityManager } from 'typeorm';
import { OutboxPublisher } from '@fieldforce/messaging';
import { CustomerFeedSubscriber } from '../customers/customer-feed.subscriber';
import { type AppliedCustomer } from '../customers/customers-read-model';
import { taskColumns, type TaskRow, toTask } from './tasks.repository';

/** Moves a customer's open tasks due today or later to its new owner and org path when the customer is reassigned. */
@Injectable()
export class TaskReassignment implements OnModuleInit {
  constructor(
    private readonly feed: CustomerFeedSubscriber,
    private readonly outbox: OutboxPublisher,
  ) {}

  onModuleInit(): void {
    this.feed.onChange((manager, applied) => this.follow(manager, applied));
  }

  private async follow(manager: EntityManager, { customer, ownerChanged }: AppliedCustomer): Promise<void> {
    if (!ownerChanged) return;
    // In-progress visits stay with the rep on site; finished ones keep their history.
    const [rows] = await manager.query<[(TaskRow & { previous_assignee_id: string | null; previous_org_path: string | null })[], number]>(
      `UPDATE visits.visit_tasks t SET assignee_id = $3, org_path = $4, version = t.version + 1, updated_at = now()
       FROM visits.visit_tasks before
       WHERE before.id = t.id AND t.tenant_id = $1 AND t.customer_id = $2 AND t.status IN ('planned', 'dispatched') AND t.due_date >= current_date
       RETURNING ${taskColumns('t')},
         before.assignee_id AS previous_assignee_id, before.org_path AS previous_org_path`,
      [customer.tenantId, customer.id, customer.ownerId, customer.orgPath],
    );
    await this.outbox.publishAll(
      manager,
      rows.map((row) => {
        const task = toTask(row);
        const changedFields = [
          ...(row.previous_assignee_id === task.assigneeId ? [] : ['assigneeId']),
          ...(row.previous_org_path === task.orgPath ? [] : ['orgPath']),
        ];
        return {
          type: 'fieldforce.visits.task.reassigned.v1' as const,
          subject: task.id,
          tenantId: task.tenantId,
          data: { task, changedFields, previousAssigneeId: row.previous_assignee_id },
        };
      }),
    );
  }
}
