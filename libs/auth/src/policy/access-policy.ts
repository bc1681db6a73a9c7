import { isDeepStrictEqual } from 'node:util';
import { type EffectivePolicy, type FieldRule, grantsAction, mergeRolePolicies } from '@fieldforce/contracts';
import { AuthException } from '../errors/auth.exception';
import { type RoleRules } from './built-in-role-policies';

export interface WritableCheckOptions {
  /**
   * Values a field takes when the request does not choose one (on create): a non-writable field
   * set to exactly its default counts as not set.
   */
  defaults?: Readonly<Record<string, unknown>>;
}

/**
 * What one user may do, from their roles' policies merged by the shared rules: actions, data
 * scope, and the fields of each resource they may not read or write. Field rules name a field
 * by its path (`creditLimit`, `contacts.phone`); a path through an array applies to each element.
 */
export class AccessPolicy {
  /** The merged policy (roles, actions, scope, rank, field rules), as `/me` shows it. */
  readonly effective: EffectivePolicy;

  constructor(roles: readonly RoleRules[]) {
    this.effective = mergeRolePolicies(roles);
  }

  get requiresTotp(): boolean {
    return this.effective.requiresTotp;
  }

  /** True when the roles grant `action` (`customer:update`). */
  can(action: string): boolean {
    return grantsAction(this.effective.actions, action);
  }

  /** Throws a 403 unless the roles grant `action`. */
  assertCan(action: string): void {
    if (!this.can(action)) throw AuthException.actionForbidden(action);
  }

  /** Per resource, the fields the user may not read and may not write. */
  effectiveRules(): Record<string, FieldRule> {
    return structuredClone(this.effective.fieldRules);
  }

  /** A deep copy of `value` (one record or a list) without the fields the user may not read. */
  maskReadable<T>(resource: string, value: T): T {
    const copy = structuredClone(value);
    const unreadable = this.effective.fieldRules[resource]?.unreadable ?? [];
    if (unreadable.length === 0) return copy;
    const records: unknown[] = Array.isArray(copy) ? copy : [copy];
    for (const record of records) {
      for (const path of unreadable) removePath(record, path.split('.'));
    }
    return copy;
  }

  /** Throws a 403 naming every field of `changes` the user may not write. */
  assertWritable(resource: string, changes: object, options: WritableCheckOptions = {}): void {
    const forbidden = this.unwritableFieldsIn(resource, changes, options);
    if (forbidden.length > 0) throw AuthException.fieldsNotWritable(resource, forbidden);
  }

  /** The non-writable fields that `changes` sets (empty when the write is allowed). */
  unwritableFieldsIn(resource: string, changes: object, options: WritableCheckOptions = {}): string[] {
    const unwritable = this.effective.fieldRules[resource]?.unwritable ?? [];
    return unwritable.filter((path) => {
      const defaults = options.defaults ?? {};
      if (Object.hasOwn(defaults, path) && isDeepStrictEqual((changes as Record<string, unknown>)[path], defaults[path])) {
        return false;
      }
      return isSet(changes, path.split('.'));
    });
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function removePath(value: unknown, path: readonly string[]): void {
  const [head, ...rest] = path;
  if (head === undefined) return;
  if (Array.isArray(value)) {
    for (const item of value) removePath(item, path);
  } else if (isRecord(value)) {
    if (rest.length === 0) delete value[head];
    else removePath(value[head], rest);
  }
}

function isSet(value: unknown, path: readonly string[]): boolean {
  const [head, ...rest] = path;
  if (head === undefined) return value !== undefined;
  if (Array.isArray(value)) return value.some((item) => isSet(item, path));
  return isRecord(value) && Object.hasOwn(value, head) && isSet(value[head], rest);
}
