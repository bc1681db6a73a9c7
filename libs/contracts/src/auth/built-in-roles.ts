import { type BuiltInRoleName, type RolePolicy } from './role-policy';

/** What a role grants, without its identity and version. */
export type RoleDefinition = Pick<RolePolicy, 'rank' | 'scope' | 'requiresTotp' | 'actions' | 'fieldRules'>;

/**
 * The roles every tenant starts with (tenants may edit them, never delete them): seeded by the
 * permissions service, and enforced by every other service for a tenant until role events arrive. Reps keep
 * their own customers and visits; supervisors run a team; regional managers a region; admins
 * everything, with a second factor.
 */
export const BUILT_IN_ROLES: Readonly<Record<BuiltInRoleName, RoleDefinition>> = {
  rep: {
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
      'checkin:review',
      'report:read',
      'user:read',
    ],
    fieldRules: { customer: { unreadable: [], unwritable: ['creditLimit'] } },
  },
  regional_manager: {
    rank: 30,
    scope: 'region',
    requiresTotp: false,
    actions: ['customer:*', 'visit:*', 'task:*', 'checkin:read', 'checkin:review', 'report:read', 'user:read'],
    fieldRules: {},
  },
  admin: {
    rank: 100,
    scope: 'all',
    requiresTotp: true,
    actions: ['*'],
    fieldRules: {},
  },
};
