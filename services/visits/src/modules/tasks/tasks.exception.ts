import { DomainException, mapDomainErrors } from '@fieldforce/platform';
import { type TaskStatus, type TaskTransition } from './task-state-machine';

export enum TaskErrorCode {
  NotFound = 'TASK_NOT_FOUND',
  /** The transition is not allowed from the task's current status. */
  IllegalTransition = 'TASK_ILLEGAL_TRANSITION',
  VersionMismatch = 'TASK_VERSION_MISMATCH',
  CustomerUnknown = 'TASK_CUSTOMER_UNKNOWN',
  /** No visit template applies to the customer's grade. */
  NoTemplate = 'TASK_NO_TEMPLATE',
}

export class TaskException extends DomainException<TaskErrorCode> {
  static notFound(id: string): TaskException {
    return new TaskException(TaskErrorCode.NotFound, `visit task ${id} not found`, { details: { id } });
  }

  static illegalTransition(id: string, status: TaskStatus, transition: TaskTransition): TaskException {
    return new TaskException(TaskErrorCode.IllegalTransition, `visit task ${id} is ${status}; it cannot ${transition} from there`, {
      details: { id, currentStatus: status, transition },
    });
  }

  static versionMismatch(id: string, current: number): TaskException {
    return new TaskException(TaskErrorCode.VersionMismatch, `visit task ${id} is at version ${current}`, { details: { id, currentVersion: current } });
  }

  static customerUnknown(customerId: string): TaskException {
    return new TaskException(TaskErrorCode.CustomerUnknown, `customer ${customerId} is not known here (or deleted, or outside your scope)`, {
      errors: [{ field: 'customerId', message: 'is no visible, undeleted customer' }],
    });
  }

  static noTemplate(grade: string): TaskException {
    return new TaskException(TaskErrorCode.NoTemplate, `no visit template applies to grade ${grade}`, {
      errors: [{ field: 'customerId', message: `has grade ${grade}, which no visit template covers` }],
    });
  }
}

export const taskProblems = mapDomainErrors(TaskException, (code: TaskErrorCode) => {
  switch (code) {
    case TaskErrorCode.NotFound:
      return { status: 404, title: 'Visit task not found' };
    case TaskErrorCode.IllegalTransition:
      return { status: 409, title: 'Illegal transition' };
    case TaskErrorCode.VersionMismatch:
      return { status: 412, title: 'Version mismatch' };
    case TaskErrorCode.CustomerUnknown:
      return { status: 422, title: 'Unknown customer' };
    case TaskErrorCode.NoTemplate:
      return { status: 422, title: 'No visit template' };
    default: {
      const unmapped: never = code;
      throw new TypeError(`unmapped task error code ${String(unmapped)}`);
    }
  }
});
