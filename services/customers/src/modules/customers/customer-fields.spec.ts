import { customerCreatedV1, type CustomerState } from '@fieldforce/contracts';
import { changedFieldsOf, columnsOf, customerFieldsOf } from './customer-fields';
import { CustomerContactDto } from './dto/create-customer.dto';

const stored = (): CustomerState => structuredClone(customerCreatedV1.example.customer);

describe(changedFieldsOf.name, () => {
  it('lists only the fields whose value differs, comparing nested values deeply', () => {
    const current = stored();
    const next = customerFieldsOf({
      name: current.name,
      // Same contact, keys in another order (as jsonb returns them).
      contacts: current.contacts.map(({ title, email, phone, name }) => ({ title, email, phone, name })),
      tags: [...current.tags].reverse(),
      address: null,
    });
    expect(changedFieldsOf(current, next).sort()).toEqual(['address', 'tags']);
  });

  it('treats a DTO instance like the plain value it carries', () => {
    const current = stored();
    const contact = Object.assign(new CustomerContactDto(), current.contacts[0]);
    expect(changedFieldsOf(current, customerFieldsOf({ contacts: [contact] }))).toEqual([]);
  });
});

describe(customerFieldsOf.name, () => {
  it('keeps set fields and nulls, drops absent ones and anything that is not a customer field', () => {
    expect(customerFieldsOf({ name: 'Kiosk', address: null, grade: undefined, version: 3, id: 'x' })).toEqual({ name: 'Kiosk', address: null });
  });
});

describe(columnsOf.name, () => {
  it('stores a location as two columns and a cleared location as two nulls', () => {
    expect(columnsOf({ location: { lat: 1, lng: 2 }, name: 'Kiosk' })).toEqual({ lat: 1, lng: 2, name: 'Kiosk' });
    expect(columnsOf({ location: null })).toEqual({ lat: null, lng: null });
    expect(columnsOf({ name: 'Kiosk' })).toEqual({ name: 'Kiosk' });
  });
});
