import { randomUUID } from 'node:crypto';
import { type OrgUnitState, type UserState } from '@fieldforce/contracts';

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

/** An org unit as the permissions service's events carry it. */
export function orgUnitState(overrides: Partial<OrgUnitState> & Pick<OrgUnitState, 'tenantId' | 'path'>): OrgUnitState {
  const now = new Date().toISOString();
  return { id: randomUUID(), name: `Unit ${overrides.path}`, parentId: null, version: 1, createdAt: now, updatedAt: now, ...overrides };
}
