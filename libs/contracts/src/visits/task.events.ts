import { type Static, Type } from '@sinclair/typebox';
import { defineEvent } from '../define-event';
import { Topics } from '../topics';
import { type VisitReportState, VisitReportStateSchema, type VisitTaskState, VisitTaskStateSchema } from './task.schema';

/** Payload shared by the task lifecycle events: the full new state and which fields changed. */
export const VisitTaskChangeSchema = Type.Object({
  task: VisitTaskStateSchema,
  changedFields: Type.Array(Type.String({ minLength: 1 }), { uniqueItems: true }),
});
export type VisitTaskChange = Static<typeof VisitTaskChangeSchema>;

/** Payload of `task.reassigned`: the change plus the assignee it had. */
export const VisitTaskReassignmentSchema = Type.Object({
  task: VisitTaskStateSchema,
  changedFields: Type.Array(Type.String({ minLength: 1 }), { uniqueItems: true }),
  previousAssigneeId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
});
export type VisitTaskReassignment = Static<typeof VisitTaskReassignmentSchema>;

/** Payload of `task.reported`: the task and the report submitted for it. */
export const VisitTaskReportSchema = Type.Object({
  task: VisitTaskStateSchema,
  changedFields: Type.Array(Type.String({ minLength: 1 }), { uniqueItems: true }),
  report: VisitReportStateSchema,
});
export type VisitTaskReport = Static<typeof VisitTaskReportSchema>;

const exampleTask: VisitTaskState = {
  id: '0190d6af-2222-7222-8222-222222222222',
  tenantId: '0190d6a0-0000-7000-8000-000000000001',
  customerId: '0190d6a4-5c3e-7b1a-8f00-3c1d2e4f5a6b',
  templateId: '0190d6a9-3333-7333-8333-333333333333',
  templateVersion: 2,
  status: 'planned',
  assigneeId: '0190d6a1-1111-7111-8111-111111111111',
  orgPath: 'emea.de.berlin',
  dueDate: '2024-07-21',
  cycleKey: '1w:2024-07-15',
  cancelReason: null,
  startedAt: null,
  completedAt: null,
  reportedAt: null,
  version: 1,
  createdAt: '2024-07-14T18:00:00.000Z',
  updatedAt: '2024-07-14T18:00:00.000Z',
};

const exampleReport: VisitReportState = {
  id: '0190d6b3-4444-7444-8444-444444444444',
  taskId: exampleTask.id,
  templateId: exampleTask.templateId,
  templateVersion: 2,
  answers: {
    shelf: { photoUploadIds: ['0190d6b0-8888-7888-8888-888888888888', '0190d6b0-9999-7999-8999-999999999999'] },
    survey: { values: { stock: 120, mood: 'good', nextDelivery: '2024-07-25', promoVisible: true } },
    count: { items: [{ product: 'SKU-1001', quantity: 24, facings: 4 }] },
  },
  submittedBy: exampleTask.assigneeId!,
  submittedAt: '2024-07-17T09:25:00.000Z',
};

const taskTopic = { topic: Topics.visits.task, aggregate: 'task', schema: VisitTaskChangeSchema } as const;
const started = { ...exampleTask, status: 'in_progress', startedAt: '2024-07-17T09:02:12.000Z', version: 3, updatedAt: '2024-07-17T09:02:12.000Z' } as const;

export const taskPlannedV1 = defineEvent({
  ...taskTopic,
  type: 'fieldforce.visits.task.planned.v1',
  description: 'A visit task was created (by plan generation for a customer cycle, or ad hoc); carries its full state.',
  example: {
    task: exampleTask,
    changedFields: ['customerId', 'templateId', 'templateVersion', 'status', 'assigneeId', 'orgPath', 'dueDate', 'cycleKey'],
  },
});

export const taskDispatchedV1 = defineEvent({
  ...taskTopic,
  type: 'fieldforce.visits.task.dispatched.v1',
  description: 'A task was dispatched to a rep (again, to another rep, when it was dispatched already); assigneeId names the rep.',
  example: { task: { ...exampleTask, status: 'dispatched', version: 2, updatedAt: '2024-07-15T07:00:00.000Z' }, changedFields: ['status'] },
});

export const taskStartedV1 = defineEvent({
  ...taskTopic,
  type: 'fieldforce.visits.task.started.v1',
  description: "The visit began: the assignee checked in at the customer (or started it by hand); startedAt is the check-in's time.",
  example: { task: started, changedFields: ['status', 'startedAt'] },
});

export const taskCompletedV1 = defineEvent({
  ...taskTopic,
  type: 'fieldforce.visits.task.completed.v1',
  description: 'The visit is done: checked out with every required step reported (or completed by hand).',
  example: {
    task: { ...started, status: 'completed', completedAt: '2024-07-17T09:31:41.000Z', reportedAt: '2024-07-17T09:25:00.000Z', version: 5, updatedAt: '2024-07-17T09:31:41.000Z' },
    changedFields: ['status', 'completedAt'],
  },
});

export const taskMissedV1 = defineEvent({
  ...taskTopic,
  type: 'fieldforce.visits.task.missed.v1',
  description: "The task's due date ended (tenant time zone) before the visit began; it is final.",
  example: { task: { ...exampleTask, status: 'missed', version: 2, updatedAt: '2024-07-21T22:00:05.000Z' }, changedFields: ['status'] },
});

export const taskCancelledV1 = defineEvent({
  ...taskTopic,
  type: 'fieldforce.visits.task.cancelled.v1',
  description: 'The task was called off, with the reason given.',
  example: {
    task: { ...exampleTask, status: 'cancelled', cancelReason: 'Shop closed for renovation', version: 2, updatedAt: '2024-07-16T10:00:00.000Z' },
    changedFields: ['status', 'cancelReason'],
  },
});

export const taskRescheduledV1 = defineEvent({
  ...taskTopic,
  type: 'fieldforce.visits.task.rescheduled.v1',
  description: 'An open task got another due date.',
  example: { task: { ...exampleTask, dueDate: '2024-07-19', version: 2, updatedAt: '2024-07-16T10:00:00.000Z' }, changedFields: ['dueDate'] },
});

export const taskReassignedV1 = defineEvent({
  ...taskTopic,
  type: 'fieldforce.visits.task.reassigned.v1',
  description: "An open task moved to another rep because its customer got a new owner; orgPath follows the customer's.",
  schema: VisitTaskReassignmentSchema,
  example: {
    task: { ...exampleTask, assigneeId: '0190d6a1-2222-7222-8222-222222222222', orgPath: 'emea.de.hamburg', version: 2, updatedAt: '2024-07-16T09:00:00.000Z' },
    changedFields: ['assigneeId', 'orgPath'],
    previousAssigneeId: '0190d6a1-1111-7111-8111-111111111111',
  },
});

export const taskReportedV1 = defineEvent({
  ...taskTopic,
  type: 'fieldforce.visits.task.reported.v1',
  description: "The visit report (customer feedback) was submitted, checked against the task's template version; carries the report.",
  schema: VisitTaskReportSchema,
  example: {
    task: { ...started, reportedAt: exampleReport.submittedAt, version: 4, updatedAt: exampleReport.submittedAt },
    changedFields: ['reportedAt'],
    report: exampleReport,
  },
});
