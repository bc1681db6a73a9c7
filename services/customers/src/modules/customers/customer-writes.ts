import { type AccessPolicy, type AuthenticatedUser } from '@fieldforce/auth';
import { type CustomerState } from '@fieldforce/contracts';
import { DELETED_FIELD, type FieldConflict } from '@fieldforce/merge';
import { type IdempotentRequest } from '@fieldforce/persistence';
import { type IdempotencyKeyHeader } from '@fieldforce/platform';
import { type CustomerFields } from './customer-fields';
import { type TenantCustomerSettings } from '../settings/customer-settings.service';
import { type Customer } from './entities/customer.entity';

/** The field policy's resource name of a customer. */
export const CUSTOMER = 'customer';

/**
 * The version a write replaces, and whether the client stated it as a precondition (If-Match:
 * a mismatch is 412) or in the body (a mismatch is a 409 conflict).
 */
export interface ExpectedVersion {
  version: number;
  precondition: boolean;
}

/**
 * How a write meets the changes made since its writer read the customer: REST names the version it
 * replaces (`expected`); a sync push merges three-way from the device's base, field by field.
 */
export type WriteBase =
  | { kind: 'version'; expected: ExpectedVersion | undefined }
  | { kind: 'merge'; baseVersion: number; base: Readonly<Record<string, unknown>> };

/** Applied as sent; merged with conflicts decided by the tenant's policy; rejected when the record's existence went the other way. */
export type WriteStatus = 'applied' | 'merged' | 'rejected';

/** What a customer write did, whatever its entry point: the customer as the user may read it now, and any conflicts. */
export interface CustomerWriteResult {
  customer: CustomerState;
  status: WriteStatus;
  conflicts: FieldConflict[];
  /** True when the write created the customer (not for a replay or a create of an existing id). */
  created: boolean;
}

/** The conflicts as the user may read them: values of fields they may not read become null (nested paths are removed inside). */
export function readableConflicts(policy: AccessPolicy, conflicts: readonly FieldConflict[]): FieldConflict[] {
  const readable = (field: string, value: unknown): unknown =>
    field === DELETED_FIELD ? value : ((policy.maskReadable(CUSTOMER, { [field]: value }) as Record<string, unknown>)[field] ?? null);
  return conflicts.map((conflict) => ({
    ...conflict,
    base: readable(conflict.field, conflict.base),
    server: readable(conflict.field, conflict.server),
    client: readable(conflict.field, conflict.client),
  }));
}

/** A write's Idempotency-Key as the user's, in the user's tenant. */
export function idempotentRequest(user: AuthenticatedUser, header: IdempotencyKeyHeader | undefined): IdempotentRequest | undefined {
  return header && { tenantId: user.tenantId, principal: user.userId, key: header.key, fingerprint: header.fingerprint };
}

/**
 * What a create sets when the request leaves a field out: the creator owns the customer, at the
 * tenant's lowest grade. A field the creator may not write may still take exactly its default.
 */
export function createDefaults(
  user: AuthenticatedUser,
  settings: Pick<TenantCustomerSettings, 'grades'>,
): Pick<CustomerState, 'ownerId' | 'grade' | 'creditLimit'> {
  return { ownerId: user.userId, grade: settings.grades[settings.grades.length - 1]!, creditLimit: null };
}

/** The fields a create set, given or defaulted: what a `created` event lists as changed. */
export function createdFields(given: CustomerFields): string[] {
  return [...new Set([...Object.keys(given), 'grade', 'ownerId', 'orgPath'])];
}

/** The current values of the fields the user may read: writing one unchanged is not a write. */
export function readableValues(policy: AccessPolicy, current: CustomerState): Record<string, unknown> {
  return policy.maskReadable(CUSTOMER, current);
}

/** Every column of a new customer: the fields given, the rest defaulted; the org path is the owner's. */
export function newCustomerColumns(
  user: AuthenticatedUser,
  settings: Pick<TenantCustomerSettings, 'grades'>,
  given: CustomerFields,
  orgPath: string,
): Partial<Customer> {
  const defaults = createDefaults(user, settings);
  return {
    tenantId: user.tenantId,
    name: given.name,
    grade: given.grade ?? defaults.grade,
    lat: given.location?.lat ?? null,
    lng: given.location?.lng ?? null,
    address: given.address ?? null,
    contacts: given.contacts ?? [],
    tags: given.tags ?? [],
    externalId: given.externalId ?? null,
    ownerId: given.ownerId ?? defaults.ownerId,
    orgPath,
    creditLimit: given.creditLimit ?? defaults.creditLimit,
    customFields: given.customFields ?? {},
  };
}
