import { type UserState } from '@fieldforce/contracts';
import { type User } from './entities/user.entity';

/** A user's public state, as REST answers it and every user event carries it: no hash, no TOTP secret. */
export function toUserState(user: User): UserState {
  return {
    id: user.id,
    tenantId: user.tenantId,
    username: user.username,
    displayName: user.displayName,
    orgUnitId: user.orgUnitId,
    orgPath: user.orgPath,
    roles: [...user.roles],
    active: user.active,
    totpEnabled: user.totpEnabled,
    version: user.version,
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString(),
  };
}
