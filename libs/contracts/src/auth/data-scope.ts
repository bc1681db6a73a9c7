/** How much of a tenant's data a user sees, narrowest first (ARCHITECTURE.md "Security model"). */
export const DATA_SCOPES = ['own', 'team', 'region', 'all'] as const;

export type DataScope = (typeof DATA_SCOPES)[number];

/** True when the string is one of the data scopes. */
export function isDataScope(value: string): value is DataScope {
  return (DATA_SCOPES as readonly string[]).includes(value);
}

/** The wider of the scopes (`all` > `region` > `team` > `own`); `own` for none. */
export function widestScope(scopes: Iterable<DataScope>): DataScope {
  let widest: DataScope = 'own';
  for (const scope of scopes) {
    if (DATA_SCOPES.indexOf(scope) > DATA_SCOPES.indexOf(widest)) widest = scope;
  }
  return widest;
}

/**
 * True when `recordPath` lies under `unitPath` (equal, or a descendant): the rule behind the
 * `team` and `region` scopes. Org paths are ltree labels joined by `.`.
 */
export function isUnderOrgPath(recordPath: string, unitPath: string): boolean {
  return recordPath === unitPath || recordPath.startsWith(`${unitPath}.`);
}
