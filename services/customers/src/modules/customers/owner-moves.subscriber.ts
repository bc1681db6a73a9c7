import { Injectable, type OnModuleInit } from '@nestjs/common';
import { type EntityManager, In } from 'typeorm';
import { aggregateEventTypes, type UserState } from '@fieldforce/contracts';
import { EventSubscriptions, OutboxPublisher, sameHandlerFor } from '@fieldforce/messaging';
import { UsersReadModel } from '../users/users-read-model';
import { toCustomerState } from './customer.state';
import { Customer } from './entities/customer.entity';

/** Role rank stamped on a change no user made (a customer's org path following its owner). */
const SYSTEM_RANK = 0;

/** Consumer name of the user feed; the group is `customers.users`. */
export const USERS_CONSUMER = 'users';

/**
 * Keeps the users read model from the permissions service's user events, and the org path of
 * each user's customers in step with the user: when a user moves, their customers move with them
 * (new version, `customer.updated` with changedFields `orgPath`).
 */
@Injectable()
export class OwnerMovesSubscriber implements OnModuleInit {
  constructor(
    private readonly subscriptions: EventSubscriptions,
    private readonly users: UsersReadModel,
    private readonly outbox: OutboxPublisher,
  ) {}

  onModuleInit(): void {
    this.subscriptions.subscribe(
      USERS_CONSUMER,
      sameHandlerFor(aggregateEventTypes('permissions', 'user'), async (event, manager) => {
        await this.apply(manager, event.data.user);
      }),
    );
  }

  /** Applies one user state (in the consuming transaction of `manager`); answers how many customers moved with the user. */
  async apply(manager: EntityManager, state: UserState): Promise<number> {
    const applied = await this.users.apply(manager, state);
    if (!applied) return 0;
    const { user } = applied;
    // An UPDATE answers [rows, count] through TypeORM.
    const [moved] = await manager.query<[{ id: string }[], number]>(
      `UPDATE customers.customers SET org_path = $3, version = version + 1, updated_at = now(),
         field_stamps = field_stamps || jsonb_build_object('orgPath', jsonb_build_object('version', version + 1, 'rank', ${SYSTEM_RANK}))
       WHERE tenant_id = $1 AND owner_id = $2 AND deleted_at IS NULL AND org_path IS DISTINCT FROM $3
       RETURNING id`,
      [user.tenantId, user.id, user.orgPath],
    );
    if (moved.length === 0) return 0;
    const customers = await manager.getRepository(Customer).findBy({ id: In(moved.map((row) => row.id)) });
    await this.outbox.publishAll(
      manager,
      customers.map((customer) => ({
        type: 'fieldforce.customers.customer.updated.v1' as const,
        subject: customer.id,
        tenantId: customer.tenantId,
        data: { customer: toCustomerState(customer), changedFields: ['orgPath'] },
      })),
    );
    return customers.length;
  }
}
