import { type Static, Type } from '@sinclair/typebox';
import { type RolePolicy, RolePolicySchema } from '../auth/role-policy';
import { defineEvent } from '../define-event';
import { Topics } from '../topics';
import { type OrgUnitState, OrgUnitChangeSchema, type UserState, UserChangeSchema } from './permissions.schema';

const TENANT = '0190d6a0-0000-7000-8000-000000000001';

const exampleUser: UserState = {
  id: '0190d6a1-1111-7111-8111-111111111111',
  tenantId: TENANT,
  username: 'mara.lind',
  displayName: 'Mara Lind',
  orgUnitId: '0190d6a2-2222-7222-8222-222222222222',
  orgPath: 'u0190d6a0.u0190d6a2',
  roles: ['rep'],
  active: true,
  totpEnabled: false,
  version: 1,
  createdAt: '2024-07-15T08:30:00.000Z',
  updatedAt: '2024-07-15T08:30:00.000Z',
};

const exampleOrgUnit: OrgUnitState = {
  id: '0190d6a2-2222-7222-8222-222222222222',
  tenantId: TENANT,
  name: 'Berlin North',
  parentId: '0190d6a0-0000-7000-8000-000000000009',
  path: 'u0190d6a0.u0190d6a2',
  version: 1,
  createdAt: '2024-07-15T08:30:00.000Z',
  updatedAt: '2024-07-15T08:30:00.000Z',
};

const exampleRole: RolePolicy = {
  id: '0190d6a3-3333-7333-8333-333333333333',
  tenantId: TENANT,
  name: 'rep',
  rank: 10,
  scope: 'own',
  requiresTotp: false,
  actions: ['customer:read', 'customer:create', 'customer:update'],
  fieldRules: { customer: { unreadable: ['creditLimit'], unwritable: ['grade', 'creditLimit', 'ownerId'] } },
  version: 1,
  builtIn: true,
  updatedAt: '2024-07-15T08:30:00.000Z',
};

const userTopic = { topic: Topics.permissions.user, aggregate: 'user' } as const;

export const userCreatedV1 = defineEvent({
  ...userTopic,
  type: 'fieldforce.permissions.user.created.v1',
  description: 'A user was created in a tenant, in an org unit, with roles.',
  schema: UserChangeSchema,
  example: { user: exampleUser, changedFields: ['username', 'displayName', 'orgUnitId', 'orgPath', 'roles'] },
});

export const userUpdatedV1 = defineEvent({
  ...userTopic,
  type: 'fieldforce.permissions.user.updated.v1',
  description: 'A user changed otherwise than by a move, a role change or a deactivation (display name, reactivation, TOTP).',
  schema: UserChangeSchema,
  example: { user: { ...exampleUser, displayName: 'Mara Lind-Ek', version: 2 }, changedFields: ['displayName'] },
});

export const userMovedV1 = defineEvent({
  ...userTopic,
  type: 'fieldforce.permissions.user.moved.v1',
  description: 'A user now sits at another org path: moved to another unit, or their unit (or an ancestor) moved.',
  schema: UserChangeSchema,
  example: {
    user: { ...exampleUser, orgUnitId: '0190d6a2-4444-7444-8444-444444444444', orgPath: 'u0190d6a0.u0190d6a4', version: 2 },
    changedFields: ['orgUnitId', 'orgPath'],
    previous: { orgPath: 'u0190d6a0.u0190d6a2' },
  },
});

export const userRolesChangedV1 = defineEvent({
  ...userTopic,
  type: 'fieldforce.permissions.user.roles-changed.v1',
  description: "A user's roles changed; scope, rank and field rules follow from the new roles.",
  schema: UserChangeSchema,
  example: {
    user: { ...exampleUser, roles: ['supervisor'], version: 2 },
    changedFields: ['roles'],
    previous: { roles: ['rep'] },
  },
});

export const userDeactivatedV1 = defineEvent({
  ...userTopic,
  type: 'fieldforce.permissions.user.deactivated.v1',
  description: 'A user was deactivated: cannot log in, and every session was revoked.',
  schema: UserChangeSchema,
  example: { user: { ...exampleUser, active: false, version: 2 }, changedFields: ['active'] },
});

const orgUnitTopic = { topic: Topics.permissions.orgUnit, aggregate: 'org-unit' } as const;

export const orgUnitCreatedV1 = defineEvent({
  ...orgUnitTopic,
  type: 'fieldforce.permissions.org-unit.created.v1',
  description: "An org unit was created under a parent (or as a tenant's root).",
  schema: OrgUnitChangeSchema,
  example: { orgUnit: exampleOrgUnit, changedFields: ['name', 'parentId', 'path'] },
});

export const orgUnitUpdatedV1 = defineEvent({
  ...orgUnitTopic,
  type: 'fieldforce.permissions.org-unit.updated.v1',
  description: 'An org unit was renamed (its path does not change).',
  schema: OrgUnitChangeSchema,
  example: { orgUnit: { ...exampleOrgUnit, name: 'Berlin North-East', version: 2 }, changedFields: ['name'] },
});

export const orgUnitMovedV1 = defineEvent({
  ...orgUnitTopic,
  type: 'fieldforce.permissions.org-unit.moved.v1',
  description:
    "An org unit's path changed: it was moved under another parent (changedFields has parentId), or an ancestor was (only path).",
  schema: OrgUnitChangeSchema,
  example: {
    orgUnit: { ...exampleOrgUnit, parentId: '0190d6a0-0000-7000-8000-000000000008', path: 'u0190d6a0.u0190d6a8.u0190d6a2', version: 2 },
    changedFields: ['parentId', 'path'],
    previousPath: 'u0190d6a0.u0190d6a2',
  },
});

/** Payload of the role events: the full policy and what changed. */
export const RoleChangeSchema = Type.Object({
  role: RolePolicySchema,
  changedFields: Type.Array(Type.String({ minLength: 1 }), { uniqueItems: true }),
});
export type RoleChange = Static<typeof RoleChangeSchema>;

const roleTopic = { topic: Topics.permissions.role, aggregate: 'role' } as const;

export const roleCreatedV1 = defineEvent({
  ...roleTopic,
  type: 'fieldforce.permissions.role.created.v1',
  description: 'A role was created (built-in at tenant creation, or tenant-defined).',
  schema: RoleChangeSchema,
  example: { role: exampleRole, changedFields: ['name', 'rank', 'scope', 'requiresTotp', 'actions', 'fieldRules'] },
});

export const roleUpdatedV1 = defineEvent({
  ...roleTopic,
  type: 'fieldforce.permissions.role.updated.v1',
  description: "A role's policy changed; services apply it to requests from then on.",
  schema: RoleChangeSchema,
  example: {
    role: { ...exampleRole, fieldRules: { customer: { unreadable: [], unwritable: ['grade'] } }, version: 2 },
    changedFields: ['fieldRules'],
  },
});
