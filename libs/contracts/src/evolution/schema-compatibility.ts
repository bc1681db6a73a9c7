/** A JSON Schema as plain data (a TypeBox schema after JSON round trip, or a released snapshot). */
export type JsonSchema = { readonly [keyword: string]: unknown };

/** One change that breaks readers of events written against the released schema. */
export interface BreakingChange {
  readonly path: string;
  readonly message: string;
}

const LOWER_BOUNDS = ['minLength', 'minimum', 'exclusiveMinimum', 'minItems', 'minProperties'] as const;
const UPPER_BOUNDS = ['maxLength', 'maximum', 'exclusiveMaximum', 'maxItems', 'maxProperties'] as const;
const EXACT_KEYWORDS = ['type', 'const', 'format', 'pattern'] as const;

function asSchema(value: unknown): JsonSchema {
  return typeof value === 'object' && value !== null ? (value as JsonSchema) : {};
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function variantsOf(schema: JsonSchema): JsonSchema[] | undefined {
  const union = schema['anyOf'] ?? schema['oneOf'];
  if (Array.isArray(union)) return union.map(asSchema);
  if (Array.isArray(schema['enum'])) return schema['enum'].map((value: unknown) => ({ const: value }));
  return undefined;
}

/**
 * The changes from `released` to `current` that are not additive: a removed field, a changed type,
 * an optional field made required, a new required field, a narrowed enum or union, a tightened constraint.
 * Adding optional fields and widening an enum are additive and yield nothing.
 */
export function breakingChanges(released: JsonSchema, current: JsonSchema, path = 'data'): BreakingChange[] {
  const changes: BreakingChange[] = [];
  const releasedVariants = variantsOf(released);
  if (releasedVariants) {
    const currentVariants = variantsOf(current) ?? [current];
    for (const variant of releasedVariants) {
      if (!currentVariants.some((candidate) => breakingChanges(variant, candidate, path).length === 0)) {
        const label = 'const' in variant ? JSON.stringify(variant['const']) : JSON.stringify(variant['type'] ?? 'a variant');
        changes.push({ path, message: `no longer accepts ${label}` });
      }
    }
    return changes;
  }
  if (variantsOf(current)) {
    // A single schema turned into a union stays compatible when one branch still accepts it.
    const compatible = variantsOf(current)?.some((candidate) => breakingChanges(released, candidate, path).length === 0);
    return compatible ? [] : [{ path, message: 'changed into a union that no longer accepts the released schema' }];
  }
  for (const keyword of EXACT_KEYWORDS) {
    if (keyword in released && !sameValue(released[keyword], current[keyword])) {
      changes.push({ path, message: `${keyword} changed from ${JSON.stringify(released[keyword])} to ${JSON.stringify(current[keyword])}` });
    } else if (!(keyword in released) && keyword in current) {
      changes.push({ path, message: `${keyword} ${JSON.stringify(current[keyword])} added` });
    }
  }
  for (const keyword of LOWER_BOUNDS) {
    const before = typeof released[keyword] === 'number' ? released[keyword] : -Infinity;
    if (typeof current[keyword] === 'number' && current[keyword] > before) changes.push({ path, message: `${keyword} raised to ${current[keyword]}` });
  }
  for (const keyword of UPPER_BOUNDS) {
    const before = typeof released[keyword] === 'number' ? released[keyword] : Infinity;
    if (typeof current[keyword] === 'number' && current[keyword] < before) changes.push({ path, message: `${keyword} lowered to ${current[keyword]}` });
  }
  if (changes.length > 0) return changes;
  changes.push(...objectChanges(released, current, path));
  if ('items' in released) changes.push(...breakingChanges(asSchema(released['items']), asSchema(current['items']), `${path}[]`));
  return changes;
}

function objectChanges(released: JsonSchema, current: JsonSchema, path: string): BreakingChange[] {
  const changes: BreakingChange[] = [];
  const releasedProperties = asSchema(released['properties']);
  const currentProperties = asSchema(current['properties']);
  const releasedRequired = new Set(Array.isArray(released['required']) ? (released['required'] as string[]) : []);
  const currentRequired = Array.isArray(current['required']) ? (current['required'] as string[]) : [];
  for (const [name, schema] of Object.entries(releasedProperties)) {
    const at = `${path}.${name}`;
    if (!(name in currentProperties)) {
      changes.push({ path: at, message: 'removed' });
      continue;
    }
    if (!releasedRequired.has(name) && currentRequired.includes(name)) changes.push({ path: at, message: 'made required' });
    changes.push(...breakingChanges(asSchema(schema), asSchema(currentProperties[name]), at));
  }
  for (const [pattern, schema] of Object.entries(asSchema(released['patternProperties']))) {
    const next = asSchema(current['patternProperties'])[pattern];
    if (next === undefined) changes.push({ path: `${path}[${pattern}]`, message: 'map entries removed' });
    else changes.push(...breakingChanges(asSchema(schema), asSchema(next), `${path}[${pattern}]`));
  }
  for (const name of currentRequired) {
    if (!(name in releasedProperties)) changes.push({ path: `${path}.${name}`, message: 'added as required (new fields must be optional)' });
  }
  return changes;
}
