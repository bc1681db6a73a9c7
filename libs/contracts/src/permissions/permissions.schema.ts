import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { ORG_PATH_REGEX } from '../auth/access-token';
import '../formats';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const OrgPath = Type.String({ pattern: ORG_PATH_REGEX.source, maxLength: 2000 });
const ChangedFields = Type.Array(Type.String({ minLength: 1 }), { uniqueItems: true });

/** A user as every user event carries it: never a password hash or TOTP secret. */
export const UserStateSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  tenantId: Type.String({ format: 'uuid' }),
  username: Type.String({ minLength: 1 }),
  displayName: Type.String({ minLength: 1 }),
  orgUnitId: Type.String({ format: 'uuid' }),
  /** Path of the user's org unit: the `org` claim and the orgPath of what the user owns. */
  orgPath: OrgPath,
  roles: Type.Array(Type.String({ minLength: 1 }), { uniqueItems: true }),
  active: Type.Boolean(),
  totpEnabled: Type.Boolean(),
  version: Type.Integer({ minimum: 1 }),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});
export type UserState = Static<typeof UserStateSchema>;

/** Payload of every user event: the new state, what changed, and the old org path / roles where they changed. */
export const UserChangeSchema = Type.Object({
  user: UserStateSchema,
  changedFields: ChangedFields,
  previous: Type.Optional(
    Type.Object({
      orgPath: Type.Optional(OrgPath),
      roles: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { uniqueItems: true })),
    }),
  ),
});
export type UserChange = Static<typeof UserChangeSchema>;

/** An org unit (company, region, team …) of a tenant's tree; the root has no parent. */
export const OrgUnitStateSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  tenantId: Type.String({ format: 'uuid' }),
  name: Type.String({ minLength: 1 }),
  parentId: Nullable(Type.String({ format: 'uuid' })),
  /** ltree path from the root to this unit, one label per unit. */
  path: OrgPath,
  version: Type.Integer({ minimum: 1 }),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});
export type OrgUnitState = Static<typeof OrgUnitStateSchema>;

/** Payload of every org-unit event; `previousPath` when the unit's path changed (a move of it or an ancestor). */
export const OrgUnitChangeSchema = Type.Object({
  orgUnit: OrgUnitStateSchema,
  changedFields: ChangedFields,
  previousPath: Type.Optional(OrgPath),
});
export type OrgUnitChange = Static<typeof OrgUnitChangeSchema>;
