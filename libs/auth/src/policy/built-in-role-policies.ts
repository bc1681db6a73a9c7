import { type BuiltInRoleName, type RolePolicy } from '@fieldforce/contracts';

/** The rules of a role, without its identity and version. */
export type RoleRules = Pick<RolePolicy, 'name' | 'rank' | 'scope' | 'requiresTotp' | 'actions' | 'fieldRules'>;

/**
 * The built-in roles as every tenant starts with them (the shared contract of issue 4). A service
 * enforces these for a tenant until role events have told it otherwise.
 */
export const BUILT_IN_ROLE_POLICIES: Readonly<Record<BuiltInRoleName, RoleRules>> = {
  rep: {
    name: 'rep',
    rank: 10,
    scope: 'own',
    requiresTotp: false,
    actions: ['customer:read', 'customer:create', 'customer:update'],
    fieldRules: { customer: { unreadable: ['creditLimit'], unwritable: ['grade', 'creditLimit', 'ownerId'] } },
  },
  supervisor: {
    name: 'supervisor',
    rank: 20,
    scope: 'team',
    requiresTotp: false,
    actions: ['customer:read', 'customer:create', 'customer:update', 'customer:assign', 'task:*', 'visit:*'],
    fieldRules: { customer: { unreadable: [], unwritable: ['creditLimit'] } },
  },
  regional_manager: {
    name: 'regional_manager',
    rank: 30,
    scope: 'region',
    requiresTotp: false,
    actions: ['customer:*', 'task:*', 'visit:*'],
    fieldRules: {},
  },
  admin: {
    name: 'admin',
    rank: 100,
    scope: 'all',
    requiresTotp: true,
    actions: ['*'],
    fieldRules: {},
  },
};
