import { type Static, Type } from '@sinclair/typebox';
import { defineEvent } from '../define-event';
import { Topics } from '../topics';

/** The kinds of value a tenant-defined customer field holds. */
export const CUSTOM_FIELD_TYPES = ['text', 'number', 'boolean', 'date', 'choice', 'multi-choice'] as const;

/** How a sync conflict on a customer field is decided (the merge policies of libs/merge). */
export const CUSTOMER_CONFLICT_POLICIES = ['rank', 'server-wins', 'client-wins'] as const;

/**
 * One field of a tenant's customers' `customFields`: key, type, whether it is required; `min`/`max`
 * bound a number, `options` list what a choice or multi-choice may hold.
 */
export const CustomFieldDefinitionSchema = Type.Object({
  key: Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_]{0,63}$' }),
  label: Type.Optional(Type.String({ maxLength: 200 })),
  type: Type.Union(CUSTOM_FIELD_TYPES.map((type) => Type.Literal(type))),
  required: Type.Boolean(),
  min: Type.Optional(Type.Number()),
  max: Type.Optional(Type.Number()),
  options: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { uniqueItems: true })),
});
export type CustomFieldDefinitionState = Static<typeof CustomFieldDefinitionSchema>;

/** A tenant's customer settings: its grades (highest first), its custom fields, its sync conflict policy. */
export const CustomerSettingsStateSchema = Type.Object({
  tenantId: Type.String({ format: 'uuid' }),
  grades: Type.Array(Type.String({ minLength: 1 }), { minItems: 1, uniqueItems: true }),
  customFields: Type.Array(CustomFieldDefinitionSchema),
  conflictPolicy: Type.Union(CUSTOMER_CONFLICT_POLICIES.map((policy) => Type.Literal(policy))),
  version: Type.Integer({ minimum: 1 }),
  updatedAt: Type.String({ format: 'date-time' }),
});
export type CustomerSettingsState = Static<typeof CustomerSettingsStateSchema>;

export const CustomerSettingsChangeSchema = Type.Object({
  settings: CustomerSettingsStateSchema,
  changedFields: Type.Array(Type.String({ minLength: 1 }), { uniqueItems: true }),
});
export type CustomerSettingsChange = Static<typeof CustomerSettingsChangeSchema>;

export const customerSettingsUpdatedV1 = defineEvent({
  type: 'fieldforce.customers.settings.updated.v1',
  topic: Topics.customers.settings,
  aggregate: 'settings',
  description:
    "A tenant's customer settings changed: its grade list (visit templates are per grade), its custom field definitions, or its sync conflict policy. Subject and key: the tenant id.",
  schema: CustomerSettingsChangeSchema,
  example: {
    settings: {
      tenantId: '0190d6a0-0000-7000-8000-000000000001',
      grades: ['A', 'B', 'C', 'D', 'E'],
      customFields: [
        { key: 'openingHours', label: 'Opening hours', type: 'text', required: false },
        { key: 'shelfMeters', type: 'number', required: true, min: 0, max: 500 },
        { key: 'channel', type: 'choice', required: false, options: ['pharmacy', 'drugstore', 'kiosk'] },
      ],
      conflictPolicy: 'rank',
      version: 2,
      updatedAt: '2024-07-16T09:00:00.000Z',
    },
    changedFields: ['grades'],
  },
});
