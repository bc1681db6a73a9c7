import { type RolePolicy } from '@fieldforce/contracts';
import { type Role } from './entities/role.entity';

/** A role's full policy, as REST answers it and every role event carries it. */
export function toRolePolicy(role: Role): RolePolicy {
  return {
    id: role.id,
    tenantId: role.tenantId,
    name: role.name,
    rank: role.rank,
    scope: role.scope,
    requiresTotp: role.requiresTotp,
    actions: [...role.actions],
    fieldRules: structuredClone(role.fieldRules),
    version: role.version,
    builtIn: role.builtIn,
    updatedAt: role.updatedAt.toISOString(),
  };
}
