/**
 * The org path label of an org unit as the permissions service builds it (`u` and the id without
 * dashes), so an org unit filter needs no local copy of the org tree: a path holds every ancestor's label.
 */
export const orgUnitLabel = (orgUnitId: string): string => `u${orgUnitId.replace(/-/g, '').toLowerCase()}`;

const LABEL = /^u([0-9a-f]{8})([0-9a-f]{4})([0-9a-f]{4})([0-9a-f]{4})([0-9a-f]{12})$/;

/** The org unit id a path label stands for, or null for a label the permissions service did not build from an id. */
export function orgUnitIdOf(label: string): string | null {
  const match = LABEL.exec(label);
  return match ? match.slice(1).join('-') : null;
}
