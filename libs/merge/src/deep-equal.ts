/**
 * Structural equality of JSON-like values: arrays compare in order, objects by their keys
 * whatever the key order (a key holding `undefined` counts as absent, as in JSON), dates by instant.
 */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (a instanceof Date || b instanceof Date) {
    return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  }
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  }
  const left = definedEntries(a as Record<string, unknown>);
  const right = b as Record<string, unknown>;
  return (
    left.length === definedEntries(right).length &&
    left.every(([key, value]) => Object.prototype.hasOwnProperty.call(right, key) && deepEqual(value, right[key]))
  );
}

function definedEntries(value: Record<string, unknown>): [string, unknown][] {
  return Object.entries(value).filter(([, item]) => item !== undefined);
}
