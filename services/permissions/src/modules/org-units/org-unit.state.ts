import { type OrgUnitState } from '@fieldforce/contracts';
import { type OrgUnit } from './entities/org-unit.entity';

/** An org unit as REST answers it and every org-unit event carries it. */
export function toOrgUnitState(unit: OrgUnit): OrgUnitState {
  return {
    id: unit.id,
    tenantId: unit.tenantId,
    name: unit.name,
    parentId: unit.parentId,
    path: unit.path,
    version: unit.version,
    createdAt: unit.createdAt.toISOString(),
    updatedAt: unit.updatedAt.toISOString(),
  };
}
