import { createEvent, type EventData, eventDefinition, topicOf } from '../registry';
import { EventValidationError } from '../validation';
import { customerAssignedV1, customerDeletedV1 } from './customer.events';

const ASSIGNED = 'fieldforce.customers.customer.assigned.v1';

describe('customer events', () => {
  it('travel on the customer topic, one type per lifecycle change', () => {
    for (const event of ['created', 'updated', 'graded', 'deleted', 'assigned'] as const) {
      const type = `fieldforce.customers.customer.${event}.v1` as const;
      expect(topicOf(type)).toBe('fieldforce.customers.customer.v1');
      expect(eventDefinition(type).service).toBe('customers');
    }
  });

  it('build an assigned event naming the previous and the new owner', () => {
    const data: EventData<typeof ASSIGNED> = structuredClone(customerAssignedV1.example);
    const event = createEvent(ASSIGNED, { subject: data.customer.id, tenantId: data.customer.tenantId, data });
    expect(event.data).toMatchObject({ previousOwnerId: expect.any(String), newOwnerId: data.customer.ownerId });
  });

  it('accept an assignment of a customer that had no owner', () => {
    const data: EventData<typeof ASSIGNED> = { ...structuredClone(customerAssignedV1.example), previousOwnerId: null };
    expect(() => createEvent(ASSIGNED, { subject: data.customer.id, tenantId: data.customer.tenantId, data })).not.toThrow();
  });

  it('refuse an assignment without a new owner', () => {
    const { newOwnerId: _newOwnerId, ...data } = structuredClone(customerAssignedV1.example);
    const publish = () =>
      createEvent(ASSIGNED, { subject: data.customer.id, tenantId: data.customer.tenantId, data: data as EventData<typeof ASSIGNED> });
    expect(publish).toThrow(EventValidationError);
    expect(publish).toThrow(/data\.newOwnerId/);
  });

  it('carry the deletion time in the state of a deleted event', () => {
    expect(customerDeletedV1.example.customer.deletedAt).not.toBeNull();
  });
});
