import { type OutboxEventInput } from '@fieldforce/messaging';
import { type VisitTask } from './dto/task.dto';
import { type TaskTransition } from './task-state-machine';

/** The task events that carry just the task and its changed fields. */
export type TaskChangeEventType =
  | 'fieldforce.visits.task.planned.v1'
  | 'fieldforce.visits.task.dispatched.v1'
  | 'fieldforce.visits.task.started.v1'
  | 'fieldforce.visits.task.completed.v1'
  | 'fieldforce.visits.task.missed.v1'
  | 'fieldforce.visits.task.cancelled.v1'
  | 'fieldforce.visits.task.rescheduled.v1';

/** The event each lifecycle transition publishes. */
export const TRANSITION_EVENTS: Record<TaskTransition, TaskChangeEventType> = {
  dispatch: 'fieldforce.visits.task.dispatched.v1',
  start: 'fieldforce.visits.task.started.v1',
  complete: 'fieldforce.visits.task.completed.v1',
  miss: 'fieldforce.visits.task.missed.v1',
  cancel: 'fieldforce.visits.task.cancelled.v1',
};

// Bookkeeping every write changes; not news to a consumer.
const BOOKKEEPING = new Set<keyof VisitTask>(['version', 'updatedAt']);

/** The fields `after` changed compared with `before`, bookkeeping left out. */
export function changedTaskFields(before: VisitTask, after: VisitTask): string[] {
  return (Object.keys(after) as (keyof VisitTask)[]).filter((key) => !BOOKKEEPING.has(key) && before[key] !== after[key]);
}

/** The fields a new task sets (everything that is not null, bookkeeping and ids left out). */
export function plannedTaskFields(task: VisitTask): string[] {
  return (Object.keys(task) as (keyof VisitTask)[]).filter(
    (key) => !BOOKKEEPING.has(key) && key !== 'id' && key !== 'tenantId' && key !== 'createdAt' && task[key] !== null,
  );
}

/** The outbox input of a task event with the task's full state. */
export function taskEvent(type: TaskChangeEventType, task: VisitTask, changedFields: string[]): OutboxEventInput {
  return { type, subject: task.id, tenantId: task.tenantId, data: { task, changedFields } };
}
