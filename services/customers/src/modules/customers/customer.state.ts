import { type CustomerState } from '@fieldforce/contracts';
import { type Customer } from './entities/customer.entity';

/** The full state of a customer, as REST answers it and as every customer event carries it. */
export function toCustomerState(customer: Customer): CustomerState {
  return {
    id: customer.id,
    tenantId: customer.tenantId,
    name: customer.name,
    grade: customer.grade,
    location: customer.lat === null || customer.lng === null ? null : { lat: customer.lat, lng: customer.lng },
    address: customer.address,
    contacts: customer.contacts,
    tags: customer.tags,
    externalId: customer.externalId,
    ownerId: customer.ownerId,
    orgPath: customer.orgPath,
    creditLimit: customer.creditLimit,
    customFields: customer.customFields,
    version: customer.version,
    createdAt: customer.createdAt.toISOString(),
    updatedAt: customer.updatedAt.toISOString(),
    deletedAt: customer.deletedAt?.toISOString() ?? null,
  };
}
