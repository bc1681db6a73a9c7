export const TASK_STATUSES = ['planned', 'dispatched', 'in_progress', 'completed', 'missed', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const TASK_TRANSITIONS = ['dispatch', 'start', 'complete', 'miss', 'cancel'] as const;
export type TaskTransition = (typeof TASK_TRANSITIONS)[number];

// Re-dispatching a dispatched task hands it to another rep; a visit under way can still be called off.
const ALLOWED: Record<TaskTransition, { from: readonly TaskStatus[]; to: TaskStatus }> = {
  dispatch: { from: ['planned', 'dispatched'], to: 'dispatched' },
  start: { from: ['dispatched'], to: 'in_progress' },
  complete: { from: ['in_progress'], to: 'completed' },
  miss: { from: ['planned', 'dispatched'], to: 'missed' },
  cancel: { from: ['planned', 'dispatched', 'in_progress'], to: 'cancelled' },
};

/** The status a task in `status` moves to by `transition`, or undefined when the transition is not allowed from there. */
export function nextStatus(status: TaskStatus, transition: TaskTransition): TaskStatus | undefined {
  const rule = ALLOWED[transition];
  return rule.from.includes(status) ? rule.to : undefined;
}

/** True when no transition leaves the status (the task is done with, one way or another). */
export function isFinal(status: TaskStatus): boolean {
  return TASK_TRANSITIONS.every((transition) => nextStatus(status, transition) === undefined);
}
