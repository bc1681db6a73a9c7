import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  type AnyEvent,
  type CheckInState,
  createEvent,
  type CustomerState,
  type ReminderState,
  type VisitTaskState,
  type VisitTemplateState,
} from '@fieldforce/contracts';
import { eventually, type TestEventPublisher } from '@fieldforce/testing';
import { consumed } from './device';

type CustomerChange = 'created' | 'updated' | 'graded' | 'deleted';

/** A customer lifecycle event carrying `customer` as its state. */
export function customerEvent(change: CustomerChange, customer: CustomerState): AnyEvent {
  return createEvent(`fieldforce.customers.customer.${change}.v1`, {
    subject: customer.id,
    tenantId: customer.tenantId,
    data: { customer, changedFields: ['name'] },
  });
}

/** A `customer.assigned` event moving `customer` (the new state) away from `previousOwnerId`. */
export function customerAssigned(customer: CustomerState, previousOwnerId: string | null): AnyEvent {
  return createEvent('fieldforce.customers.customer.assigned.v1', {
    subject: customer.id,
    tenantId: customer.tenantId,
    data: { customer, changedFields: ['ownerId', 'orgPath'], previousOwnerId, newOwnerId: customer.ownerId! },
  });
}

export function checkInRecorded(checkIn: CheckInState): AnyEvent {
  return createEvent('fieldforce.checkins.check-in.recorded.v1', { subject: checkIn.id, tenantId: checkIn.tenantId, data: { checkIn } });
}

export function templateCreated(template: VisitTemplateState): AnyEvent {
  return createEvent('fieldforce.visits.visit-template.created.v1', {
    subject: template.id,
    tenantId: template.tenantId,
    data: { template, changedFields: ['name'] },
  });
}

export function taskPlanned(task: VisitTaskState): AnyEvent {
  return createEvent('fieldforce.visits.task.planned.v1', { subject: task.id, tenantId: task.tenantId, data: { task, changedFields: ['status'] } });
}

/** Publishes the events and waits until the service consumed every one of them. */
export async function deliver(app: NestFastifyApplication, publisher: TestEventPublisher, ...events: AnyEvent[]): Promise<void> {
  await publisher.publish(...events);
  await eventually(`${events.length} events are consumed`, () => consumed(app, events.map((event) => event.id)));
}

export function reminderFired(reminder: ReminderState): AnyEvent {
  return createEvent('fieldforce.visits.reminder.task-overdue.v1', { subject: reminder.id, tenantId: reminder.tenantId, data: { reminder } });
}
