import { isDeepStrictEqual } from 'node:util';
import { type CustomerState } from '@fieldforce/contracts';
import { type Customer } from './entities/customer.entity';

/** The fields of a customer its users write (create, update, import), in the shape of its state. */
export type CustomerFields = Partial<
  Pick<
    CustomerState,
    'name' | 'grade' | 'location' | 'address' | 'contacts' | 'tags' | 'externalId' | 'ownerId' | 'orgPath' | 'creditLimit' | 'customFields'
  >
>;

const FIELD_NAMES: readonly (keyof CustomerFields)[] = [
  'name',
  'grade',
  'location',
  'address',
  'contacts',
  'tags',
  'externalId',
  'ownerId',
  'orgPath',
  'creditLimit',
  'customFields',
];

/** The customer fields of `input` that are set (null included), without anything else it carries. */
export function customerFieldsOf(input: object): CustomerFields {
  const source = input as Record<string, unknown>;
  const fields: Record<string, unknown> = {};
  for (const name of FIELD_NAMES) {
    if (source[name] !== undefined) fields[name] = source[name];
  }
  // Plain JSON: DTO class instances and undefined members compare and store like the wire values.
  return JSON.parse(JSON.stringify(fields)) as CustomerFields;
}

/** The stored columns of the given fields (`location` is two columns). */
export function columnsOf(fields: CustomerFields): Partial<Customer> {
  const { location, ...rest } = fields;
  const columns: Partial<Customer> = { ...rest };
  if (location !== undefined) {
    columns.lat = location?.lat ?? null;
    columns.lng = location?.lng ?? null;
  }
  return columns;
}

/** The names of the fields whose value in `next` differs from `current` (JSON-deep, so nested contacts count). */
export function changedFieldsOf(current: CustomerState, next: CustomerFields): string[] {
  return (Object.keys(next) as (keyof CustomerFields)[]).filter((name) => !isDeepStrictEqual(plain(current[name]), plain(next[name])));
}

// Through JSON, so values from anywhere (jsonb, DTO instances, clones) compare by content only.
function plain(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}
