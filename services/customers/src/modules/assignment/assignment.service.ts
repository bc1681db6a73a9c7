import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { type AccessPolicy, applyDataScope, type AuthenticatedUser } from '@fieldforce/auth';
import { IdempotentWrites } from '@fieldforce/persistence';
import { type IdempotencyKeyHeader } from '@fieldforce/platform';
import { CustomerAssignments } from '../customers/customer-assignments';
import { CustomerOwners } from '../customers/customer-owners';
import { CUSTOMER, idempotentRequest } from '../customers/customer-writes';
import { CustomerException } from '../customers/customers.exception';
import { Customer } from '../customers/entities/customer.entity';
import { type AssignCustomersDto, type AssignResult } from './dto/assign-customers.dto';

/** Who owns which customers: manual bulk assignment and the automatic strategies. */
@Injectable()
export class AssignmentService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly writes: IdempotentWrites,
    private readonly owners: CustomerOwners,
    private readonly assignments: CustomerAssignments,
  ) {}

  /**
   * Gives the listed customers (all in the user's scope, else 404 naming the missing ones and
   * nothing changes) to `ownerId`, an active user in the user's scope (else 422). Each customer
   * that changes owner takes the owner's org path and publishes `assigned`; those already theirs
   * are reported unchanged.
   */
  async assign(user: AuthenticatedUser, policy: AccessPolicy, input: AssignCustomersDto, idempotency?: IdempotencyKeyHeader): Promise<AssignResult> {
    policy.assertWritable(CUSTOMER, { ownerId: input.ownerId });
    const orgPath = await this.owners.orgPathOf(user, input.ownerId);
    const ids = [...new Set(input.customerIds)];
    const { result } = await this.writes.run(idempotentRequest(user, idempotency), async (manager) => {
      const query = manager.getRepository(Customer).createQueryBuilder('customer').where('customer.id IN (:...ids)', { ids });
      const found = await applyDataScope(query, user).setLock('pessimistic_write').getMany();
      const missing = ids.filter((id) => !found.some((customer) => customer.id === id));
      if (missing.length > 0) throw CustomerException.notFoundAmong(missing);
      const moving = found.filter((customer) => customer.ownerId !== input.ownerId);
      const applied = await this.assignments.move(
        manager,
        user.tenantId,
        moving.map((customer) => ({ customerId: customer.id, fromOwnerId: customer.ownerId, toOwnerId: input.ownerId, toOrgPath: orgPath })),
      );
      const moved = new Map(applied.map((move) => [move.customer.id, move]));
      const stored = new Map(found.map((customer) => [customer.id, customer]));
      return {
        items: ids.map((id) => {
          const move = moved.get(id);
          if (move) return { id, outcome: 'assigned' as const, previousOwnerId: move.previousOwnerId, version: move.customer.version };
          const customer = stored.get(id)!;
          return { id, outcome: 'unchanged' as const, previousOwnerId: customer.ownerId, version: customer.version };
        }),
      };
    });
    return result;
  }
}
