import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { defineEvent } from '../define-event';
import { Topics } from '../topics';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** A GeoJSON position: longitude, latitude. */
const PositionSchema = Type.Array(Type.Number(), { minItems: 2, maxItems: 3 });
/** A polygon's rings: the outer ring, then its holes; each ring closed. */
const PolygonCoordinatesSchema = Type.Array(Type.Array(PositionSchema, { minItems: 4 }), { minItems: 1 });

/** A territory's area: a GeoJSON Polygon or MultiPolygon (RFC 7946, lng/lat). */
export const TerritoryGeometrySchema = Type.Union([
  Type.Object({ type: Type.Literal('Polygon'), coordinates: PolygonCoordinatesSchema }),
  Type.Object({ type: Type.Literal('MultiPolygon'), coordinates: Type.Array(PolygonCoordinatesSchema, { minItems: 1 }) }),
]);

/** The full state of a territory: an area whose customers go to a rep (`ownerId`) or to the reps of an org unit (`orgUnitId`). */
export const TerritoryStateSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  tenantId: Type.String({ format: 'uuid' }),
  name: Type.String({ minLength: 1 }),
  ownerId: Nullable(Type.String({ format: 'uuid' })),
  orgUnitId: Nullable(Type.String({ format: 'uuid' })),
  /** The owner's or the org unit's path: who sees the territory. */
  orgPath: Type.String({ minLength: 1 }),
  geometry: TerritoryGeometrySchema,
  version: Type.Integer({ minimum: 1 }),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  deletedAt: Nullable(Type.String({ format: 'date-time' })),
});
export type TerritoryState = Static<typeof TerritoryStateSchema>;

/** Payload of the territory events: the territory's full state and which fields changed. */
export const TerritoryChangeSchema = Type.Object({
  territory: TerritoryStateSchema,
  changedFields: Type.Array(Type.String({ minLength: 1 }), { uniqueItems: true }),
});
export type TerritoryChange = Static<typeof TerritoryChangeSchema>;

const exampleTerritory: TerritoryState = {
  id: '0190d6a5-4444-7444-8444-444444444444',
  tenantId: '0190d6a0-0000-7000-8000-000000000001',
  name: 'Berlin Mitte',
  ownerId: '0190d6a1-1111-7111-8111-111111111111',
  orgUnitId: null,
  orgPath: 'emea.de.berlin',
  geometry: {
    type: 'Polygon',
    coordinates: [
      [
        [13.3, 52.5],
        [13.4, 52.5],
        [13.4, 52.6],
        [13.3, 52.6],
        [13.3, 52.5],
      ],
    ],
  },
  version: 1,
  createdAt: '2024-07-15T08:30:00.000Z',
  updatedAt: '2024-07-15T08:30:00.000Z',
  deletedAt: null,
};

const territoryTopic = { topic: Topics.customers.territory, aggregate: 'territory', schema: TerritoryChangeSchema } as const;

export const territoryCreatedV1 = defineEvent({
  ...territoryTopic,
  type: 'fieldforce.customers.territory.created.v1',
  description: 'A territory was drawn for a rep or an org unit; carries its full state.',
  example: { territory: exampleTerritory, changedFields: ['name', 'geometry', 'ownerId', 'orgUnitId', 'orgPath'] },
});

export const territoryUpdatedV1 = defineEvent({
  ...territoryTopic,
  type: 'fieldforce.customers.territory.updated.v1',
  description:
    "A territory's name, area or holder changed, or its org path followed its owner or org unit; changedFields lists what changed.",
  example: {
    territory: { ...exampleTerritory, name: 'Berlin Mitte-Nord', version: 2, updatedAt: '2024-07-16T09:00:00.000Z' },
    changedFields: ['name'],
  },
});

export const territoryDeletedV1 = defineEvent({
  ...territoryTopic,
  type: 'fieldforce.customers.territory.deleted.v1',
  description: 'A territory was deleted (soft: deletedAt is set); carries its last state.',
  example: {
    territory: { ...exampleTerritory, version: 2, updatedAt: '2024-07-16T09:00:00.000Z', deletedAt: '2024-07-16T09:00:00.000Z' },
    changedFields: ['deletedAt'],
  },
});
