import {
  type CheckInState,
  type CustomerState,
  type EventData,
  type EventType,
  type ReminderState,
  type VisitTaskState,
  type VisitTemplateState,
} from '@fieldforce/contracts';

/** One record's state as an event carries it, reduced to what the feed stores and filters on. */
export interface FeedRecord {
  id: string;
  tenantId: string;
  version: number;
  /** The user the record belongs to for data scope (customer owner, task assignee, check-in author). */
  ownerId: string | null;
  orgPath: string | null;
  deleted: boolean;
  /** The full state as the device stores it (masked per reader when pulled). */
  data: object;
}

/**
 * Who sees a record of a kind: `scope` → the reader's data scope on owner and org path (own / team /
 * region / all), `owner` → only the user it belongs to, whatever their scope, `tenant` → everyone in
 * the tenant.
 */
export type FeedVisibility = 'scope' | 'owner' | 'tenant';

/** Extracts the record from each event type of a kind; the subscriber consumes exactly these types. */
export type FeedExtractors = { [T in EventType]?: (data: EventData<T>) => FeedRecord };

/** A kind of record the feed carries, and how to read it out of its events. */
export interface FeedEntityKind {
  /** The `entity` of a change on the wire. */
  entity: string;
  /** The policy resource whose field rules mask the record's data. */
  resource: string;
  /** The action a reader's roles must grant to receive records of this kind at all. */
  readAction: string;
  visibility: FeedVisibility;
  extractors: FeedExtractors;
}

const customer = ({ customer }: { customer: CustomerState }): FeedRecord => ({
  id: customer.id,
  tenantId: customer.tenantId,
  version: customer.version,
  ownerId: customer.ownerId,
  orgPath: customer.orgPath,
  deleted: customer.deletedAt !== null,
  data: customer,
});

const checkIn = ({ checkIn }: { checkIn: CheckInState }): FeedRecord => ({
  id: checkIn.id,
  tenantId: checkIn.tenantId,
  version: checkIn.version,
  ownerId: checkIn.userId,
  orgPath: checkIn.orgPath,
  deleted: false,
  data: checkIn,
});

const visitTemplate = ({ template }: { template: VisitTemplateState }): FeedRecord => ({
  id: template.id,
  tenantId: template.tenantId,
  version: template.version,
  ownerId: null,
  orgPath: null,
  deleted: false,
  data: template,
});

// A cancelled or missed task stays on the device (its history); only the owning service deletes.
const visitTask = ({ task }: { task: VisitTaskState }): FeedRecord => ({
  id: task.id,
  tenantId: task.tenantId,
  version: task.version,
  ownerId: task.assigneeId,
  orgPath: task.orgPath,
  deleted: false,
  data: task,
});

// Dismissed and resolved reminders stay (with their status) until a newer state replaces them.
const reminder = ({ reminder }: { reminder: ReminderState }): FeedRecord => ({
  id: reminder.id,
  tenantId: reminder.tenantId,
  version: reminder.version,
  ownerId: reminder.recipientId,
  orgPath: reminder.orgPath,
  deleted: false,
  data: reminder,
});

/** Every kind of record devices sync, with the events that carry it. Add a kind here when its events exist. */
export const FEED_ENTITIES: readonly FeedEntityKind[] = [
  {
    entity: 'customer',
    resource: 'customer',
    readAction: 'customer:read',
    visibility: 'scope',
    extractors: {
      'fieldforce.customers.customer.created.v1': customer,
      'fieldforce.customers.customer.updated.v1': customer,
      'fieldforce.customers.customer.graded.v1': customer,
      'fieldforce.customers.customer.assigned.v1': customer,
      'fieldforce.customers.customer.deleted.v1': customer,
    },
  },
  {
    entity: 'check-in',
    resource: 'checkin',
    readAction: 'checkin:read',
    visibility: 'owner',
    extractors: {
      'fieldforce.checkins.check-in.recorded.v1': checkIn,
      'fieldforce.checkins.check-in.checked-out.v1': checkIn,
      'fieldforce.checkins.check-in.reviewed.v1': checkIn,
    },
  },
  {
    entity: 'visit-template',
    resource: 'visit',
    readAction: 'visit:read',
    visibility: 'tenant',
    extractors: {
      'fieldforce.visits.visit-template.created.v1': visitTemplate,
      'fieldforce.visits.visit-template.updated.v1': visitTemplate,
    },
  },
  {
    entity: 'visit-task',
    resource: 'task',
    readAction: 'task:read',
    visibility: 'scope',
    extractors: {
      'fieldforce.visits.task.planned.v1': visitTask,
      'fieldforce.visits.task.dispatched.v1': visitTask,
      'fieldforce.visits.task.started.v1': visitTask,
      'fieldforce.visits.task.completed.v1': visitTask,
      'fieldforce.visits.task.missed.v1': visitTask,
      'fieldforce.visits.task.cancelled.v1': visitTask,
      'fieldforce.visits.task.rescheduled.v1': visitTask,
      'fieldforce.visits.task.reassigned.v1': visitTask,
      'fieldforce.visits.task.reported.v1': visitTask,
    },
  },
  {
    entity: 'reminder',
    resource: 'reminder',
    // Reminders are about tasks: whoever may read tasks receives their own.
    readAction: 'task:read',
    visibility: 'owner',
    extractors: {
      'fieldforce.visits.reminder.task-overdue.v1': reminder,
      'fieldforce.visits.reminder.visit-due.v1': reminder,
    },
  },
];

/** The kind named `entity`, if the feed carries it. */
export function feedEntityKind(entity: string): FeedEntityKind | undefined {
  return FEED_ENTITIES.find((kind) => kind.entity === entity);
}
