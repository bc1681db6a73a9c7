import { Value } from '@sinclair/typebox/value';
import { grantsAction, mergeRolePolicies, type RolePolicy, RolePolicySchema } from './role-policy';

type PolicyInput = Parameters<typeof mergeRolePolicies>[0][number];

const rep: PolicyInput = {
  name: 'rep',
  rank: 10,
  scope: 'own',
  requiresTotp: false,
  actions: ['customer:read', 'customer:create', 'customer:update'],
  fieldRules: { customer: { unreadable: ['creditLimit'], unwritable: ['grade', 'creditLimit', 'ownerId'] } },
};
const supervisor: PolicyInput = {
  name: 'supervisor',
  rank: 20,
  scope: 'team',
  requiresTotp: false,
  actions: ['customer:read', 'customer:update', 'customer:assign', 'task:read'],
  fieldRules: { customer: { unreadable: [], unwritable: ['creditLimit'] } },
};
const admin: PolicyInput = { name: 'admin', rank: 100, scope: 'all', requiresTotp: true, actions: ['*'], fieldRules: {} };

describe(grantsAction.name, () => {
  it('grants an action listed exactly, by its resource wildcard, or by *', () => {
    expect(grantsAction(['customer:read'], 'customer:read')).toBe(true);
    expect(grantsAction(['customer:*'], 'customer:delete')).toBe(true);
    expect(grantsAction(['*'], 'role:manage')).toBe(true);
  });

  it('does not grant another verb or another resource', () => {
    expect(grantsAction(['customer:read'], 'customer:update')).toBe(false);
    expect(grantsAction(['customer:*'], 'user:manage')).toBe(false);
    expect(grantsAction([], 'customer:read')).toBe(false);
  });
});

describe(mergeRolePolicies.name, () => {
  it('keeps a single role as it is, with unreadable fields also unwritable', () => {
    expect(mergeRolePolicies([rep])).toEqual({
      roles: ['rep'],
      actions: ['customer:create', 'customer:read', 'customer:update'],
      scope: 'own',
      rank: 10,
      requiresTotp: false,
      fieldRules: { customer: { unreadable: ['creditLimit'], unwritable: ['creditLimit', 'grade', 'ownerId'] } },
    });
  });

  it('unites actions, takes the widest scope and the highest rank', () => {
    const merged = mergeRolePolicies([rep, supervisor]);
    expect(merged.actions).toEqual(['customer:assign', 'customer:create', 'customer:read', 'customer:update', 'task:read']);
    expect(merged.scope).toBe('team');
    expect(merged.rank).toBe(20);
  });

  it('lets the most permissive role win on field rules', () => {
    const merged = mergeRolePolicies([rep, supervisor]);
    // supervisor reads creditLimit, so the pair reads it; only creditLimit is unwritable for both.
    expect(merged.fieldRules).toEqual({ customer: { unreadable: [], unwritable: ['creditLimit'] } });
  });

  it('ignores the field rules of a role that grants nothing on the resource', () => {
    const auditor: PolicyInput = {
      name: 'auditor',
      rank: 5,
      scope: 'all',
      requiresTotp: false,
      actions: ['audit:read'],
      fieldRules: { customer: { unreadable: [], unwritable: [] } },
    };
    expect(mergeRolePolicies([rep, auditor]).fieldRules).toEqual(mergeRolePolicies([rep]).fieldRules);
  });

  it('gives an admin (*) no field restrictions, whatever its other roles', () => {
    expect(mergeRolePolicies([rep, admin])).toMatchObject({ scope: 'all', rank: 100, requiresTotp: true, fieldRules: {} });
  });

  it('answers the narrowest policy for a user without roles', () => {
    expect(mergeRolePolicies([])).toEqual({ roles: [], actions: [], scope: 'own', rank: 0, requiresTotp: false, fieldRules: {} });
  });
});

describe('RolePolicySchema', () => {
  const policy: RolePolicy = {
    ...rep,
    id: '0190d6a3-3333-7333-8333-333333333333',
    tenantId: '0190d6a0-0000-7000-8000-000000000001',
    version: 1,
    builtIn: true,
    updatedAt: '2024-07-15T08:30:00.000Z',
  };

  it('accepts a built-in policy', () => {
    expect(Value.Check(RolePolicySchema, policy)).toBe(true);
  });

  it('refuses malformed actions, an unknown scope and a role name with capitals', () => {
    expect(Value.Check(RolePolicySchema, { ...policy, actions: ['customer'] })).toBe(false);
    expect(Value.Check(RolePolicySchema, { ...policy, scope: 'planet' })).toBe(false);
    expect(Value.Check(RolePolicySchema, { ...policy, name: 'Rep' })).toBe(false);
  });
});
