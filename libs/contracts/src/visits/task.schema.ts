import { type Static, type TSchema, Type } from '@sinclair/typebox';
import '../formats';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((value) => Type.Literal(value)));
const DateTime = () => Type.String({ format: 'date-time' });

/** The lifecycle of a visit task: planned → dispatched → in_progress → completed, or missed / cancelled. */
export const VISIT_TASK_STATUSES = ['planned', 'dispatched', 'in_progress', 'completed', 'missed', 'cancelled'] as const;
export type VisitTaskStatus = (typeof VISIT_TASK_STATUSES)[number];

/** The full state of a visit task, as REST answers it and every task event carries it. */
export const VisitTaskStateSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  tenantId: Type.String({ format: 'uuid' }),
  customerId: Type.String({ format: 'uuid' }),
  /** The template and the version of it the task was created with (its steps decide the report). */
  templateId: Type.String({ format: 'uuid' }),
  templateVersion: Type.Integer({ minimum: 1 }),
  status: Literals(VISIT_TASK_STATUSES),
  /** The rep who visits; the record's owner for data scope. */
  assigneeId: Nullable(Type.String({ format: 'uuid' })),
  orgPath: Nullable(Type.String({ minLength: 1 })),
  /** The local calendar day (tenant time zone) by whose end the visit is due. */
  dueDate: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
  /** The visit cycle a generated task covers (e.g. `1w:2024-07-15`); null for ad hoc tasks. */
  cycleKey: Nullable(Type.String({ minLength: 1 })),
  cancelReason: Nullable(Type.String()),
  startedAt: Nullable(DateTime()),
  completedAt: Nullable(DateTime()),
  /** When the visit report was submitted; null before. */
  reportedAt: Nullable(DateTime()),
  version: Type.Integer({ minimum: 1 }),
  createdAt: DateTime(),
  updatedAt: DateTime(),
});
export type VisitTaskState = Static<typeof VisitTaskStateSchema>;

/** A form field's answer: text, number, chosen option(s), a `YYYY-MM-DD` date or a boolean. */
export const VisitFormValueSchema = Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Array(Type.String())]);

/** One counted product of an inventory step. */
export const VisitInventoryItemSchema = Type.Object({
  product: Type.String({ minLength: 1 }),
  quantity: Type.Integer({ minimum: 0 }),
  /** Facings on the shelf, when counted. */
  facings: Type.Optional(Type.Integer({ minimum: 0 })),
});

/** One ordered product of an order step. */
export const VisitOrderLineSchema = Type.Object({
  product: Type.String({ minLength: 1 }),
  quantity: Type.Integer({ minimum: 1 }),
});

/** The answer to one step; which properties it has follows the step's type. */
export const VisitStepAnswerSchema = Type.Object({
  /** Photo steps: the uploads (sync service) of the photos taken. */
  photoUploadIds: Type.Optional(Type.Array(Type.String({ format: 'uuid' }))),
  /** Form steps: the value of each answered field by field key. */
  values: Type.Optional(Type.Record(Type.String(), VisitFormValueSchema)),
  /** Inventory steps. */
  items: Type.Optional(Type.Array(VisitInventoryItemSchema)),
  /** Order steps. */
  lines: Type.Optional(Type.Array(VisitOrderLineSchema)),
  /** Signature steps: the upload of the signature image and who signed. */
  uploadId: Type.Optional(Type.String({ format: 'uuid' })),
  signerName: Type.Optional(Type.String({ minLength: 1 })),
});

/** A submitted visit report (the customer feedback of one visit), checked against the task's template version. */
export const VisitReportStateSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  taskId: Type.String({ format: 'uuid' }),
  templateId: Type.String({ format: 'uuid' }),
  templateVersion: Type.Integer({ minimum: 1 }),
  /** Answers by step key; check-in and check-out steps come from the check-ins, not from here. */
  answers: Type.Record(Type.String(), VisitStepAnswerSchema),
  submittedBy: Type.String({ format: 'uuid' }),
  submittedAt: DateTime(),
});
export type VisitReportState = Static<typeof VisitReportStateSchema>;
export type VisitStepAnswer = Static<typeof VisitStepAnswerSchema>;
export type VisitFormValue = Static<typeof VisitFormValueSchema>;
