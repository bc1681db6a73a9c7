import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { defineEvent } from '../define-event';
import { Topics } from '../topics';
import '../formats';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** What a reminder is about: a task past its due time, or a customer's visit cycle ending without a completed visit. */
export const REMINDER_KINDS = ['task-overdue', 'visit-due'] as const;
export type ReminderKind = (typeof REMINDER_KINDS)[number];

/** `open` until its recipient dismisses it (`dismissed`) or its task completes or is cancelled (`resolved`). */
export const REMINDER_STATUSES = ['open', 'dismissed', 'resolved'] as const;
export type ReminderStatus = (typeof REMINDER_STATUSES)[number];

/** The full state of a reminder, as REST answers it and the reminder events carry it. */
export const ReminderStateSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  tenantId: Type.String({ format: 'uuid' }),
  kind: Type.Union(REMINDER_KINDS.map((kind) => Type.Literal(kind))),
  status: Type.Union(REMINDER_STATUSES.map((status) => Type.Literal(status))),
  /** Who is reminded: the task's assignee when it fired (null for an unassigned task). */
  recipientId: Nullable(Type.String({ format: 'uuid' })),
  /** The task's org path when it fired, for supervisors' views. */
  orgPath: Nullable(Type.String({ minLength: 1 })),
  taskId: Type.String({ format: 'uuid' }),
  customerId: Type.String({ format: 'uuid' }),
  /** The visit cycle of a visit-due reminder (the task's cycle key); null for ad hoc tasks. */
  cycleKey: Nullable(Type.String({ minLength: 1 })),
  taskDueDate: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
  /** task-overdue: the task's due time (the end of its due date, tenant time zone); visit-due: the end of the visit cycle. */
  dueAt: Type.String({ format: 'date-time' }),
  firedAt: Type.String({ format: 'date-time' }),
  closedAt: Nullable(Type.String({ format: 'date-time' })),
  /** The user who dismissed it; null while open or when its task closed it. */
  closedBy: Nullable(Type.String({ format: 'uuid' })),
  version: Type.Integer({ minimum: 1 }),
});
export type ReminderState = Static<typeof ReminderStateSchema>;

/** Payload of every reminder event: the reminder as it fired. */
export const ReminderFiredSchema = Type.Object({ reminder: ReminderStateSchema });
export type ReminderFired = Static<typeof ReminderFiredSchema>;

const exampleReminder: ReminderState = {
  id: '0190d6c0-5555-7555-8555-555555555555',
  tenantId: '0190d6a0-0000-7000-8000-000000000001',
  kind: 'task-overdue',
  status: 'open',
  recipientId: '0190d6a1-1111-7111-8111-111111111111',
  orgPath: 'emea.de.berlin',
  taskId: '0190d6af-2222-7222-8222-222222222222',
  customerId: '0190d6a4-5c3e-7b1a-8f00-3c1d2e4f5a6b',
  cycleKey: '1w:2024-07-15',
  taskDueDate: '2024-07-21',
  dueAt: '2024-07-21T22:00:00.000Z',
  firedAt: '2024-07-21T22:00:07.000Z',
  closedAt: null,
  closedBy: null,
  version: 1,
};

const reminderTopic = { topic: Topics.visits.reminder, aggregate: 'reminder', schema: ReminderFiredSchema } as const;

export const reminderTaskOverdueV1 = defineEvent({
  ...reminderTopic,
  type: 'fieldforce.visits.reminder.task-overdue.v1',
  description:
    "A visit task passed its due time (the end of its due date in the tenant's time zone) without being completed or cancelled; fired once per task, within a minute of its due time.",
  example: { reminder: exampleReminder },
});

export const reminderVisitDueV1 = defineEvent({
  ...reminderTopic,
  type: 'fieldforce.visits.reminder.visit-due.v1',
  description:
    "A customer's visit cycle ends within the lead time (REMINDER_VISIT_DUE_LEAD_HOURS, default 24 h) and no visit of the customer was completed in the cycle; fired once per customer and cycle.",
  example: {
    reminder: {
      ...exampleReminder,
      id: '0190d6c0-6666-7666-8666-666666666666',
      kind: 'visit-due',
      dueAt: '2024-07-21T22:00:00.000Z',
      firedAt: '2024-07-20T22:00:04.000Z',
    },
  },
});
