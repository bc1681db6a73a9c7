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

const customerTopic = { topic: Topics.customers.customer, aggregate: 'customer' } as const;

export const customerUpdatedV1 = defineEvent({
  ...customerTopic,
  type: 'fieldforce.customers.customer.updated.v1',
  description:
    "A customer's data changed without a change of grade or owner (edit, import, or its owner's org path moved); changedFields lists what changed.",
  schema: CustomerChangeSchema,
  example: {
    customer: { ...exampleCustomer, address: 'Invalidenstraße 14, 10115 Berlin', version: 2, updatedAt: '2024-07-16T09:00:00.000Z' },
    changedFields: ['address'],
  },
});

export const customerGradedV1 = defineEvent({
  ...customerTopic,
  type: 'fieldforce.customers.customer.graded.v1',
  description:
    "A customer's grade changed (visit frequencies follow it); other fields changed in the same write are in changedFields too.",
  schema: CustomerChangeSchema,
  example: {
    customer: { ...exampleCustomer, grade: 'B', version: 2, updatedAt: '2024-07-16T09:00:00.000Z' },
    changedFields: ['grade'],
  },
});

export const customerDeletedV1 = defineEvent({
  ...customerTopic,
  type: 'fieldforce.customers.customer.deleted.v1',
  description: 'A customer was deleted (soft: deletedAt is set and it leaves every list); carries its last state.',
  schema: CustomerChangeSchema,
  example: {
    customer: { ...exampleCustomer, version: 2, updatedAt: '2024-07-16T09:00:00.000Z', deletedAt: '2024-07-16T09:00:00.000Z' },
    changedFields: ['deletedAt'],
  },
});

/** Payload of `customer.assigned`: the change plus the owner it had and the owner it has now. */
export const CustomerAssignmentSchema = Type.Object({
  customer: CustomerStateSchema,
  changedFields: Type.Array(Type.String({ minLength: 1 }), { uniqueItems: true }),
  previousOwnerId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
  newOwnerId: Type.String({ format: 'uuid' }),
});
export type CustomerAssignment = Static<typeof CustomerAssignmentSchema>;

export const customerAssignedV1 = defineEvent({
  ...customerTopic,
  type: 'fieldforce.customers.customer.assigned.v1',
  description:
    'A customer got another owner (manual, bulk or automatic assignment); its orgPath follows the new owner. Visits and sync re-route on it.',
  schema: CustomerAssignmentSchema,
  example: {
    customer: {
      ...exampleCustomer,
      ownerId: '0190d6a1-2222-7222-8222-222222222222',
      orgPath: 'emea.de.hamburg',
      version: 2,
      updatedAt: '2024-07-16T09:00:00.000Z',
    },
    changedFields: ['ownerId', 'orgPath'],
    previousOwnerId: '0190d6a1-1111-7111-8111-111111111111',
    newOwnerId: '0190d6a1-2222-7222-8222-222222222222',
  },
});
