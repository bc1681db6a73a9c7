import { BUILT_IN_ROLE_NAMES, BUILT_IN_ROLES, type BuiltInRoleName, type RolePolicy } from '@fieldforce/contracts';

/** The rules of a role, without its identity and version. */
export type RoleRules = Pick<RolePolicy, 'name' | 'rank' | 'scope' | 'requiresTotp' | 'actions' | 'fieldRules'>;

/** The built-in roles (from contracts) keyed by name: what a service enforces for a tenant until role events arrive. */
export const BUILT_IN_ROLE_POLICIES: Readonly<Record<BuiltInRoleName, RoleRules>> = Object.fromEntries(
  BUILT_IN_ROLE_NAMES.map((name) => [name, { name, ...BUILT_IN_ROLES[name] }]),
) as Record<BuiltInRoleName, RoleRules>;
