import { type Static, type TSchema, Type } from '@sinclair/typebox';

// Schemas are open (unknown properties pass a check) so consumers tolerate additive changes;
// producers are held to the exact shape by `createEvent` in the registry.
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const GeoPointSchema = Type.Object({
  lat: Type.Number({ minimum: -90, maximum: 90 }),
  lng: Type.Number({ minimum: -180, maximum: 180 }),
});

export const CustomerContactSchema = Type.Object({
  name: Type.String({ minLength: 1 }),
  phone: Type.Optional(Type.String()),
  email: Type.Optional(Type.String({ format: 'email' })),
  title: Type.Optional(Type.String()),
});

/** The full state of a customer as carried by every customer event (event-carried state transfer). */
export const CustomerStateSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  tenantId: Type.String({ format: 'uuid' }),
  name: Type.String({ minLength: 1 }),
  /** One of the tenant's grades (A/B/C/D by default). */
  grade: Type.String({ minLength: 1 }),
  location: Nullable(GeoPointSchema),
  address: Nullable(Type.String()),
  contacts: Type.Array(CustomerContactSchema),
  tags: Type.Array(Type.String({ minLength: 1 })),
  externalId: Nullable(Type.String({ minLength: 1 })),
  ownerId: Nullable(Type.String({ format: 'uuid' })),
  orgPath: Nullable(Type.String({ minLength: 1 })),
  creditLimit: Nullable(Type.Number()),
  customFields: Type.Record(Type.String(), Type.Unknown()),
  version: Type.Integer({ minimum: 1 }),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  deletedAt: Nullable(Type.String({ format: 'date-time' })),
});

export type CustomerState = Static<typeof CustomerStateSchema>;
export type GeoPoint = Static<typeof GeoPointSchema>;
export type CustomerContact = Static<typeof CustomerContactSchema>;

