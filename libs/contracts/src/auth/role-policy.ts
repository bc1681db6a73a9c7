import { type Static, Type } from '@sinclair/typebox';
import '../formats';
import { DATA_SCOPES, type DataScope, widestScope } from './data-scope';

/** Names of the roles every tenant has from its creation. */
export const BUILT_IN_ROLE_NAMES = ['rep', 'supervisor', 'regional_manager', 'admin'] as const;
export type BuiltInRoleName = (typeof BUILT_IN_ROLE_NAMES)[number];

/** The action that grants every action. */
export const ALL_ACTIONS = '*';

const ACTION_PATTERN = '^(\\*|[a-z][a-z0-9-]*:(\\*|[a-z][a-z0-9-]*))$';
/** `<resource>:<verb>` (e.g. `customer:update`), `<resource>:*`, or `*`. */
export const ACTION_REGEX = new RegExp(ACTION_PATTERN);
const ROLE_NAME_PATTERN = '^[a-z][a-z0-9_]*$';
/** Role names: lower-case words joined by `_` (`regional_manager`). */
export const ROLE_NAME_REGEX = new RegExp(ROLE_NAME_PATTERN);

const FieldNames = Type.Array(Type.String({ minLength: 1 }), { uniqueItems: true });

/** What a role may not read and may not write of one resource; an unreadable field is also unwritable. */
export const FieldRuleSchema = Type.Object({
  unreadable: FieldNames,
  unwritable: FieldNames,
});
export type FieldRule = Static<typeof FieldRuleSchema>;

/** A role's policy, as role events carry it and every service keeps it locally. */
export const RolePolicySchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  tenantId: Type.String({ format: 'uuid' }),
  name: Type.String({ pattern: ROLE_NAME_PATTERN, maxLength: 63 }),
  /** Sync conflict priority: rep 10, supervisor 20, regional_manager 30, admin 100. */
  rank: Type.Integer({ minimum: 0, maximum: 1000 }),
  scope: Type.Union(DATA_SCOPES.map((scope) => Type.Literal(scope))),
  requiresTotp: Type.Boolean(),
  actions: Type.Array(Type.String({ pattern: ACTION_PATTERN }), { uniqueItems: true }),
  /** Per resource (`customer`), the fields this role may not read or write. */
  fieldRules: Type.Record(Type.String({ minLength: 1 }), FieldRuleSchema),
  version: Type.Integer({ minimum: 1 }),
  builtIn: Type.Boolean(),
  updatedAt: Type.String({ format: 'date-time' }),
});
export type RolePolicy = Static<typeof RolePolicySchema>;

/** True when `actions` grant `action` (`customer:read`), directly, by `customer:*` or by `*`. */
export function grantsAction(actions: readonly string[], action: string): boolean {
  const [resource] = action.split(':');
  return actions.some((granted) => granted === ALL_ACTIONS || granted === action || granted === `${resource}:*`);
}

/** What a user with several roles may do: the roles merged by the rules of the shared contract. */
export interface EffectivePolicy {
  roles: string[];
  /** Union of the roles' actions. */
  actions: string[];
  /** The widest scope among the roles. */
  scope: DataScope;
  /** The highest rank among the roles; 0 without roles. */
  rank: number;
  requiresTotp: boolean;
  /** Per resource, the fields the user may not read / write. */
  fieldRules: Record<string, FieldRule>;
}

// The verbs that count as writing a resource when field write rules are merged.
const WRITE_VERBS = ['create', 'update'] as const;

/**
 * Merges role policies: actions are united, scope is the widest, rank the highest; a field is
 * unreadable only if every role that grants reading the resource makes it unreadable (the most
 * permissive role wins), and likewise for writing. Roles that grant nothing on a resource do
 * not loosen its rules. `requiresTotp` holds when any role requires it.
 */
export function mergeRolePolicies(
  policies: readonly Pick<RolePolicy, 'name' | 'rank' | 'scope' | 'requiresTotp' | 'actions' | 'fieldRules'>[],
): EffectivePolicy {
  const resources = new Set(policies.flatMap((policy) => Object.keys(policy.fieldRules)));
  const fieldRules: Record<string, FieldRule> = {};
  for (const resource of [...resources].sort()) {
    const readers = policies.filter((policy) => grantsAction(policy.actions, `${resource}:read`));
    const writers = policies.filter((policy) =>
      WRITE_VERBS.some((verb) => grantsAction(policy.actions, `${resource}:${verb}`)),
    );
    const unreadable = commonFields(readers.length > 0 ? readers : policies, resource, (rule) => rule.unreadable);
    const unwritable = commonFields(writers.length > 0 ? writers : policies, resource, (rule) => [
      ...rule.unreadable,
      ...rule.unwritable,
    ]);
    // A field the user cannot read cannot be written either, whatever the write rules say.
    const rule = { unreadable, unwritable: [...new Set([...unwritable, ...unreadable])].sort() };
    if (rule.unreadable.length > 0 || rule.unwritable.length > 0) fieldRules[resource] = rule;
  }
  return {
    roles: policies.map((policy) => policy.name),
    actions: [...new Set(policies.flatMap((policy) => policy.actions))].sort(),
    scope: widestScope(policies.map((policy) => policy.scope)),
    rank: policies.reduce((highest, policy) => Math.max(highest, policy.rank), 0),
    requiresTotp: policies.some((policy) => policy.requiresTotp),
    fieldRules,
  };
}

/** The fields that every policy lists for the resource (a policy without a rule for it lists none). */
function commonFields(
  policies: readonly Pick<RolePolicy, 'fieldRules'>[],
  resource: string,
  fieldsOf: (rule: FieldRule) => string[],
): string[] {
  const [first, ...rest] = policies.map((policy) => {
    const rule = policy.fieldRules[resource];
    return new Set(rule ? fieldsOf(rule) : []);
  });
  if (!first) return [];
  return [...first].filter((field) => rest.every((fields) => fields.has(field))).sort();
}
