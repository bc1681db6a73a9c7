import { Injectable } from '@nestjs/common';
import { type EntityManager, In } from 'typeorm';
import { type CustomerState } from '@fieldforce/contracts';
import { OutboxPublisher } from '@fieldforce/messaging';
import { toCustomerState } from './customer.state';
import { changeEvent } from './customer-events';
import { Customer } from './entities/customer.entity';

/** One customer to give to another owner; `fromOwnerId` is the owner it must still have. */
export interface OwnerMove {
  customerId: string;
  fromOwnerId: string | null;
  toOwnerId: string;
  /** The new owner's org path, which the customer takes. */
  toOrgPath: string;
}

/** A move that was applied: the customer as it is now, and its owner before. */
export interface AppliedMove {
  customer: CustomerState;
  previousOwnerId: string | null;
}

/**
 * Gives customers to other owners in one statement, for manual and automatic assignment alike:
 * each customer takes its new owner and the owner's org path at its next version, and
 * `customer.assigned` is published with the previous and the new owner. A customer whose owner
 * is no longer `fromOwnerId` (someone reassigned it meanwhile) is left alone. `ownerId` (and
 * `orgPath` when it changes) are stamped with the new version and the assigner's role rank.
 */
@Injectable()
export class CustomerAssignments {
  constructor(private readonly outbox: OutboxPublisher) {}

  async move(manager: EntityManager, tenantId: string, moves: readonly OwnerMove[], rank: number): Promise<AppliedMove[]> {
    if (moves.length === 0) return [];
    // An UPDATE answers [rows, count] through TypeORM.
    // The joined copy of each row holds its values before the update (its org path).
    const [rows] = await manager.query<[{ id: string; previous_owner_id: string | null; org_path_changed: boolean }[], number]>(
      `UPDATE customers.customers AS c
       SET owner_id = m.to_owner_id, org_path = m.to_org_path, version = c.version + 1, updated_at = now(),
           field_stamps = c.field_stamps || jsonb_build_object('ownerId', jsonb_build_object('version', c.version + 1, 'rank', $3::int))
             || CASE WHEN m.old_org_path IS DISTINCT FROM m.to_org_path
                  THEN jsonb_build_object('orgPath', jsonb_build_object('version', c.version + 1, 'rank', $3::int)) ELSE '{}'::jsonb END
       FROM (
         SELECT m.*, old.org_path AS old_org_path
         FROM jsonb_to_recordset($2::jsonb) AS m(customer_id uuid, from_owner_id uuid, to_owner_id uuid, to_org_path text)
         JOIN customers.customers AS old ON old.id = m.customer_id
       ) AS m
       WHERE c.id = m.customer_id AND c.tenant_id = $1 AND c.deleted_at IS NULL
         AND c.owner_id IS NOT DISTINCT FROM m.from_owner_id AND c.owner_id IS DISTINCT FROM m.to_owner_id
       RETURNING c.id, m.from_owner_id AS previous_owner_id, m.old_org_path IS DISTINCT FROM m.to_org_path AS org_path_changed`,
      [
        tenantId,
        JSON.stringify(
          moves.map((move) => ({
            customer_id: move.customerId,
            from_owner_id: move.fromOwnerId,
            to_owner_id: move.toOwnerId,
            to_org_path: move.toOrgPath,
          })),
        ),
        rank,
      ],
    );
    const moved = new Map(rows.map((row) => [row.id, row]));
    const customers = await manager.getRepository(Customer).findBy({ id: In([...moved.keys()]) });
    const applied = customers.map((customer) => ({
      customer: toCustomerState(customer),
      previousOwnerId: moved.get(customer.id)?.previous_owner_id ?? null,
      changedFields: moved.get(customer.id)?.org_path_changed ? ['ownerId', 'orgPath'] : ['ownerId'],
    }));
    await this.outbox.publishAll(
      manager,
      applied.map(({ customer, changedFields, previousOwnerId }) => changeEvent(customer, changedFields, previousOwnerId)),
    );
    return applied.map(({ customer, previousOwnerId }) => ({ customer, previousOwnerId }));
  }
}
