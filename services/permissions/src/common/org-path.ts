/**
 * The ltree label of an org unit: `u` and its id without dashes. Built from the id (never the
 * name) so a rename leaves every path alone, and unique across tenants, so a path prefix names
 * one subtree of one tenant.
 */
export function orgPathLabel(orgUnitId: string): string {
  return `u${orgUnitId.replace(/-/g, '').toLowerCase()}`;
}

/** The path of a unit with the given id under `parentPath` (or the root's path without a parent). */
export function childOrgPath(parentPath: string | null, orgUnitId: string): string {
  const label = orgPathLabel(orgUnitId);
  return parentPath === null ? label : `${parentPath}.${label}`;
}

/** The path `path` gets when its subtree moves from `oldPrefix` to `newPrefix`. */
export function rebaseOrgPath(path: string, oldPrefix: string, newPrefix: string): string {
  if (path !== oldPrefix && !path.startsWith(`${oldPrefix}.`)) throw new Error(`${path} does not lie under ${oldPrefix}`);
  return `${newPrefix}${path.slice(oldPrefix.length)}`;
}
