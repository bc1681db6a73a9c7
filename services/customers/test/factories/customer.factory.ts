import { randomUUID } from 'node:crypto';
import { uuidv7 } from '@fieldforce/contracts';

/** A valid create body: a pharmacy in Berlin with a fresh id and external id; `overrides` replace fields. */
export function customerInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: uuidv7(),
    name: 'Corner Pharmacy Nord',
    grade: 'A',
    location: { lat: 52.5321, lng: 13.3849 },
    address: 'Invalidenstraße 12, 10115 Berlin',
    contacts: [{ name: 'Mara Lind', email: 'mara.lind@example.com' }],
    tags: ['pharmacy'],
    externalId: `CRM-${randomUUID()}`,
    creditLimit: 25000,
    ...overrides,
  };
}
