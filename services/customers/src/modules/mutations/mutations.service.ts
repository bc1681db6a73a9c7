import { Injectable } from '@nestjs/common';
import { type AccessPolicy, type AuthenticatedUser } from '@fieldforce/auth';
import { type CustomerState } from '@fieldforce/contracts';
import {
  CommonException,
  type IdempotencyKeyHeader,
  type MutationResult,
  changesAs,
  requireMutationKey,
} from '@fieldforce/platform';
import { type CustomerWriteResult, type WriteBase } from '../customers/customer-writes';
import { CustomersService } from '../customers/customers.service';
import { CreateCustomerDto } from '../customers/dto/create-customer.dto';
import { UpdateCustomerDto } from '../customers/dto/update-customer.dto';
import { type CustomerMutationDto } from './dto/mutation.dto';

/** The action each operation needs, as its REST route requires it. */
const ACTIONS = { create: 'customer:create', update: 'customer:update', delete: 'customer:delete' } as const;

/**
 * Offline changes pushed by the sync service on the user's behalf: each goes through the same
 * customer write as its REST route (scope, actions, field rules, tenant settings, events), merged
 * three-way with what changed on the server since the device's base.
 */
@Injectable()
export class MutationsService {
  constructor(private readonly customers: CustomersService) {}

  /**
   * Applies one mutation once per Idempotency-Key (`<clientId>:<mutationId>`, required): a replay
   * answers the stored result, another payload under the key is a 422. Bad input is a 4xx and
   * changes nothing; the outcome of a valid one is `applied`, `merged` (with the conflicts and
   * their resolution) or `rejected` (the customer's deletion or survival went the other way).
   */
  async apply(
    user: AuthenticatedUser,
    policy: AccessPolicy,
    mutation: CustomerMutationDto,
    idempotencyHeader: IdempotencyKeyHeader | undefined,
  ): Promise<MutationResult<CustomerState>> {
    const idempotency = requireMutationKey(idempotencyHeader);
    policy.assertCan(ACTIONS[mutation.op]);
    const changes = mutation.changes ?? {};
    const base: WriteBase = { kind: 'merge', baseVersion: mutation.baseVersion ?? 0, base: mutation.base ?? {} };
    switch (mutation.op) {
      case 'create': {
        if ('id' in changes && changes['id'] !== mutation.entityId) {
          throw CommonException.validationFailed([{ field: 'changes.id', message: 'must be the entityId when given' }]);
        }
        const input = changesAs(CreateCustomerDto, { ...changes, id: mutation.entityId });
        return toResult(await this.customers.create(user, policy, input, idempotency, { merge: true }));
      }
      case 'update': {
        if ('version' in changes) throw CommonException.validationFailed([{ field: 'changes.version', message: 'the version is baseVersion' }]);
        const input = changesAs(UpdateCustomerDto, changes);
        return toResult(await this.customers.update(user, policy, mutation.entityId, input, base, idempotency));
      }
      case 'delete':
        if (Object.keys(changes).length > 0) throw CommonException.validationFailed([{ field: 'changes', message: 'a delete changes no fields' }]);
        return toResult(await this.customers.delete(user, policy, mutation.entityId, base, idempotency));
      default: {
        const unknownOp: never = mutation.op;
        throw new TypeError(`unknown mutation op ${String(unknownOp)}`);
      }
    }
  }
}

function toResult({ customer, status, conflicts }: CustomerWriteResult): MutationResult<CustomerState> {
  return { status, version: customer.version, ...(conflicts.length > 0 ? { conflicts } : {}), data: customer };
}
