import { type FieldConflict } from '@fieldforce/merge';
import { type VisitTask } from './dto/task.dto';
import { type TaskStatus, type TaskTransition } from './task-state-machine';

/** The field policy's resource name of a visit task (field rules of resource `task`). */
export const TASK = 'task';

/** The statuses a device may move a task to, and the lifecycle transition each one is. */
export const DEVICE_TRANSITIONS = { in_progress: 'start', completed: 'complete', cancelled: 'cancel' } as const satisfies Partial<Record<TaskStatus, TaskTransition>>;
export type DeviceTaskStatus = keyof typeof DEVICE_TRANSITIONS;
export const DEVICE_TASK_STATUSES = Object.keys(DEVICE_TRANSITIONS) as DeviceTaskStatus[];

// The action each transition needs, as its REST route requires it.
const TRANSITION_ACTIONS: Record<(typeof DEVICE_TRANSITIONS)[DeviceTaskStatus], string> = {
  start: 'task:update',
  complete: 'task:update',
  cancel: 'task:cancel',
};

/**
 * What a device changed on its copy of a task offline: the due date (a reschedule, as `PATCH`) and
 * the status (a start, complete or cancel, as their `POST /:id/<transition>` routes; a cancel with its reason).
 */
export interface TaskChange {
  dueDate?: string;
  status?: DeviceTaskStatus;
  cancelReason?: string;
}

/** Where a device made its change: the version it changed and its copy at that version (only echoed in conflicts). */
export interface TaskChangeBase {
  baseVersion: number;
  base: Readonly<Record<string, unknown>>;
}

/** What a device's change did: the task now, `merged` when a field changed on both sides (with how it was decided). */
export interface TaskChangeResult {
  task: VisitTask;
  status: 'applied' | 'merged';
  conflicts: FieldConflict[];
}

/** The actions of the REST routes a change stands for: `PATCH` (`task:update`, also for no change at all) and each transition's. */
export function taskChangeActions(change: TaskChange): string[] {
  const actions = new Set<string>();
  if (change.dueDate !== undefined || change.status === undefined) actions.add('task:update');
  if (change.status !== undefined) actions.add(TRANSITION_ACTIONS[DEVICE_TRANSITIONS[change.status]]);
  return [...actions];
}
