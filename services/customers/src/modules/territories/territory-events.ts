import { isDeepStrictEqual } from 'node:util';
import { type TerritoryState } from '@fieldforce/contracts';
import { type OutboxEventInput } from '@fieldforce/messaging';
import { type Territory } from './entities/territory.entity';

/** The full state of a territory, as every territory event carries it. */
export function toTerritoryState(territory: Territory): TerritoryState {
  return {
    id: territory.id,
    tenantId: territory.tenantId,
    name: territory.name,
    ownerId: territory.ownerId,
    orgUnitId: territory.orgUnitId,
    orgPath: territory.orgPath,
    geometry: territory.geometry,
    version: territory.version,
    createdAt: territory.createdAt.toISOString(),
    updatedAt: territory.updatedAt.toISOString(),
    deletedAt: territory.deletedAt?.toISOString() ?? null,
  };
}

const CHANGEABLE: readonly (keyof TerritoryState)[] = ['name', 'geometry', 'ownerId', 'orgUnitId', 'orgPath'];

/** The fields whose value differs between two states of a territory. */
export function changedTerritoryFields(before: TerritoryState, after: TerritoryState): string[] {
  return CHANGEABLE.filter((field) => !isDeepStrictEqual(before[field], after[field]));
}

type TerritoryEventType =
  | 'fieldforce.customers.territory.created.v1'
  | 'fieldforce.customers.territory.updated.v1'
  | 'fieldforce.customers.territory.deleted.v1';

/** The outbox event of one territory change, with its full new state. */
export function territoryEvent(type: TerritoryEventType, territory: Territory, changedFields: string[]): OutboxEventInput {
  const state = toTerritoryState(territory);
  return { type, subject: state.id, tenantId: state.tenantId, data: { territory: state, changedFields } };
}
