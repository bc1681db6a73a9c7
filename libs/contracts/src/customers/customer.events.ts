import { type Static, Type } from '@sinclair/typebox';
import { defineEvent } from '../define-event';
import { Topics } from '../topics';
import { type CustomerState, CustomerStateSchema } from './customer.schema';

/** Payload shared by the customer lifecycle events: the full new state and which fields changed. */
export const CustomerChangeSchema = Type.Object({
  customer: CustomerStateSchema,
  changedFields: Type.Array(Type.String({ minLength: 1 }), { uniqueItems: true }),
});
export type CustomerChange = Static<typeof CustomerChangeSchema>;

const exampleCustomer: CustomerState = {
  id: '0190d6a4-5c3e-7b1a-8f00-3c1d2e4f5a6b',
  tenantId: '0190d6a0-0000-7000-8000-000000000001',
  name: 'Corner Pharmacy Nord',
  grade: 'A',
  location: { lat: 52.5321, lng: 13.3849 },
  address: 'Invalidenstraße 12, 10115 Berlin',
  contacts: [{ name: 'Mara Lind', phone: '+49 30 1234567', email: 'mara.lind@example.com', title: 'Owner' }],
  tags: ['pharmacy', 'key-account'],
  externalId: 'CRM-100234',
  ownerId: '0190d6a1-1111-7111-8111-111111111111',
  orgPath: 'emea.de.berlin',
  creditLimit: 25000,
  customFields: { openingHours: 'Mo-Fr 08:00-18:00' },
  version: 1,
  createdAt: '2024-07-15T08:30:00.000Z',
  updatedAt: '2024-07-15T08:30:00.000Z',
  deletedAt: null,
};

export const customerCreatedV1 = defineEvent({
  type: 'fieldforce.customers.customer.created.v1',
  topic: Topics.customers.customer,
  aggregate: 'customer',
  description: 'A customer was created (by REST, sync or import); carries its full state.',
  schema: CustomerChangeSchema,
  example: {
    customer: exampleCustomer,
    changedFields: ['name', 'grade', 'location', 'address', 'contacts', 'tags', 'externalId', 'ownerId', 'orgPath'],
  },
});
