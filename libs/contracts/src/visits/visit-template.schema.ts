import { type Static, type TSchema, Type } from '@sinclair/typebox';

const Literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((value) => Type.Literal(value)));

/** The kinds of step a visit template may list, in the order the rep performs them. */
export const VISIT_STEP_TYPES = ['check-in', 'photo', 'form', 'inventory', 'order', 'signature', 'check-out'] as const;
/** The typed fields a form step may hold. */
export const VISIT_FORM_FIELD_TYPES = ['text', 'number', 'single-choice', 'multi-choice', 'date', 'boolean'] as const;

const Optional = <T extends TSchema>(schema: T) => Type.Optional(schema);

/** One typed field of a form step; `min`/`max` bound numbers, `options` list the choices. */
export const VisitFormFieldSchema = Type.Object({
  key: Type.String({ minLength: 1 }),
  label: Type.String(),
  type: Literals(VISIT_FORM_FIELD_TYPES),
  required: Type.Boolean(),
  min: Optional(Type.Number()),
  max: Optional(Type.Number()),
  options: Optional(Type.Array(Type.String())),
});

/** One step of a visit: `minCount` for photo steps, `fields` for form steps. */
export const VisitStepSchema = Type.Object({
  key: Type.String({ minLength: 1 }),
  type: Literals(VISIT_STEP_TYPES),
  required: Type.Boolean(),
  minCount: Optional(Type.Integer({ minimum: 1 })),
  fields: Optional(Type.Array(VisitFormFieldSchema)),
});

/** A visit template at one version, as REST answers it and every template event carries it. */
export const VisitTemplateStateSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  tenantId: Type.String({ format: 'uuid' }),
  name: Type.String({ minLength: 1 }),
  /** The customer grades the template applies to (one template per grade). */
  grades: Type.Array(Type.String({ minLength: 1 })),
  /** One visit every `every` weeks or months. */
  frequency: Type.Object({ every: Type.Integer({ minimum: 1 }), unit: Literals(['week', 'month'] as const) }),
  expectedDurationMinutes: Type.Integer({ minimum: 1 }),
  geofenceRadiusMeters: Type.Integer({ minimum: 1 }),
  steps: Type.Array(VisitStepSchema),
  version: Type.Integer({ minimum: 1 }),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});

export type VisitTemplateState = Static<typeof VisitTemplateStateSchema>;
export type VisitStep = Static<typeof VisitStepSchema>;
export type VisitFormField = Static<typeof VisitFormFieldSchema>;
