import { type CustomerState } from '@fieldforce/contracts';
import { type OutboxEventInput } from '@fieldforce/messaging';

/**
 * The one event a change of a customer publishes: `assigned` when the owner changed (with the
 * previous owner), else `graded` when the grade changed, else `updated`; each lists every changed field.
 */
export function changeEvent(customer: CustomerState, changedFields: string[], previousOwnerId: string | null): OutboxEventInput {
  const envelope = { subject: customer.id, tenantId: customer.tenantId };
  if (changedFields.includes('ownerId') && customer.ownerId !== null) {
    return {
      ...envelope,
      type: 'fieldforce.customers.customer.assigned.v1',
      data: { customer, changedFields, previousOwnerId, newOwnerId: customer.ownerId },
    };
  }
  const type = changedFields.includes('grade') ? 'fieldforce.customers.customer.graded.v1' : 'fieldforce.customers.customer.updated.v1';
  return { ...envelope, type, data: { customer, changedFields } };
}
