import { customerCreatedV1, type CustomerState } from '@fieldforce/contracts';
import { changeEvent } from './customer-events';

const customer = (): CustomerState => structuredClone(customerCreatedV1.example.customer);
const PREVIOUS_OWNER = '0190d6a1-9999-7999-8999-999999999999';

describe(changeEvent.name, () => {
  it('publishes assigned, with both owners, when the owner changed, whatever else changed', () => {
    const event = changeEvent(customer(), ['grade', 'ownerId', 'orgPath'], PREVIOUS_OWNER);
    expect(event).toMatchObject({
      type: 'fieldforce.customers.customer.assigned.v1',
      data: { previousOwnerId: PREVIOUS_OWNER, newOwnerId: customer().ownerId, changedFields: ['grade', 'ownerId', 'orgPath'] },
    });
  });

  it('publishes graded when the grade changed, updated otherwise', () => {
    expect(changeEvent(customer(), ['address', 'grade'], null).type).toBe('fieldforce.customers.customer.graded.v1');
    expect(changeEvent(customer(), ['address'], null).type).toBe('fieldforce.customers.customer.updated.v1');
  });
});
