import { randomUUID } from 'node:crypto';
import { type CustomerState } from '@fieldforce/contracts';
import { BERLIN, type LatLng } from './track-points';

/** A customer as the customers service's events carry it. */
export function customerState(tenantId: string, overrides: Partial<CustomerState> & { location?: LatLng | null } = {}): CustomerState {
  const now = new Date().toISOString();
  return {
    id: randomUUID(),
    tenantId,
    name: 'Corner Pharmacy Nord',
    grade: 'A',
    location: BERLIN,
    address: null,
    contacts: [],
    tags: [],
    externalId: null,
    ownerId: null,
    orgPath: null,
    creditLimit: null,
    customFields: {},
    version: 1,
    createdAt: now,
    updatedAt: now,
    deletedAt: null,
    ...overrides,
  };
}
