import { randomUUID } from 'node:crypto';
import { type UserState } from '@fieldforce/contracts';

/** A user as the permissions service's events carry them: an active rep unless `overrides` say otherwise. */
export function userState(overrides: Partial<UserState> & Pick<UserState, 'tenantId'>): UserState {
  const now = new Date().toISOString();
  const id = overrides.id ?? randomUUID();
  return {
    id,
    username: `user-${id.slice(0, 8)}`,
    displayName: `User ${id.slice(0, 8)}`,
    orgUnitId: randomUUID(),
    orgPath: 'emea.north',
    roles: ['rep'],
    active: true,
    totpEnabled: false,
    version: 1,
    createdAt: now,
    updatedAt: now,
    ...overrides,
  };
}
