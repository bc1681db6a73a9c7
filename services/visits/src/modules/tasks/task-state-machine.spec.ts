import { isFinal, nextStatus, TASK_STATUSES, TASK_TRANSITIONS, type TaskStatus, type TaskTransition } from './task-state-machine';

const legal: Record<string, TaskStatus> = {
  'planned:dispatch': 'dispatched',
  'planned:miss': 'missed',
  'planned:cancel': 'cancelled',
  'dispatched:dispatch': 'dispatched',
  'dispatched:start': 'in_progress',
  'dispatched:miss': 'missed',
  'dispatched:cancel': 'cancelled',
  'in_progress:complete': 'completed',
  'in_progress:cancel': 'cancelled',
};

describe(nextStatus.name, () => {
  const pairs: [TaskStatus, TaskTransition][] = TASK_STATUSES.flatMap((status) => TASK_TRANSITIONS.map((transition): [TaskStatus, TaskTransition] => [status, transition]));

  it.each(pairs)('from %s by %s goes exactly where the lifecycle says, or nowhere', (status, transition) => {
    expect(nextStatus(status, transition)).toBe(legal[`${status}:${transition}`]);
  });

  it('treats completed, missed and cancelled as final, and nothing else', () => {
    expect(TASK_STATUSES.filter(isFinal)).toEqual(['completed', 'missed', 'cancelled']);
  });
});
