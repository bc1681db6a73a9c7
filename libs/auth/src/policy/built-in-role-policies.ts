import { type BuiltInRoleName, type RolePolicy } from '@fieldforce/contracts';

/** The rules of a role, without its identity and version. */
export type RoleRules = Pick<RolePolicy, 'name' | 'rank' | 'scope' | 'requiresTotp' | 'actions' | 'fieldRules'>;

/**
 * The built-in roles as every tenant starts with them, the same values the permissions service
 * seeds. A service enforces these for a tenant until role events have told it otherwise.
 */
export const BUILT_IN_ROLE_POLICIES: Readonly<Record<BuiltInRoleName, RoleRules>> = {
  rep: {
    name: 'rep',
    rank: 10,
    scope: 'own',
    requiresTotp: false,
    actions: [
      'customer:read',
      'customer:create',
      'customer:update',
      'visit:read',
      'visit:create',
      'visit:update',
      'task:read',
      'task:update',
      'checkin:read',
      'checkin:create',
    ],
    fieldRules: { customer: { unreadable: ['creditLimit'], unwritable: ['creditLimit', 'grade', 'ownerId'] } },
  },
  supervisor: {
    name: 'supervisor',
    rank: 20,
    scope: 'team',
    requiresTotp: false,
    actions: [
      'customer:read',
      'customer:create',
      'customer:update',
      'customer:assign',
      'visit:*',
      'task:*',
      'checkin:read',
      'report:read',
      'user:read',
    ],
    fieldRules: { customer: { unreadable: [], unwritable: ['creditLimit'] } },
  },
  regional_manager: {
    name: 'regional_manager',
    rank: 30,
    scope: 'region',
    requiresTotp: false,
    actions: ['customer:*', 'visit:*', 'task:*', 'checkin:read', 'report:read', 'user:read'],
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
