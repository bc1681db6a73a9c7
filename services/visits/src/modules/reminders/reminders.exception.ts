import { type ReminderStatus } from '@fieldforce/contracts';
import { DomainException, mapDomainErrors } from '@fieldforce/platform';

export enum ReminderErrorCode {
  NotFound = 'REMINDER_NOT_FOUND',
  /** The reminder was closed otherwise (its task completed or was cancelled) and cannot be dismissed. */
  AlreadyClosed = 'REMINDER_ALREADY_CLOSED',
}

export class ReminderException extends DomainException<ReminderErrorCode> {
  static notFound(id: string): ReminderException {
    return new ReminderException(ReminderErrorCode.NotFound, `reminder ${id} not found`, { details: { id } });
  }

  static alreadyClosed(id: string, status: ReminderStatus): ReminderException {
    return new ReminderException(ReminderErrorCode.AlreadyClosed, `reminder ${id} is ${status}; only an open reminder can be dismissed`, {
      details: { id, currentStatus: status },
    });
  }
}

export const reminderProblems = mapDomainErrors(ReminderException, (code: ReminderErrorCode) => {
  switch (code) {
    case ReminderErrorCode.NotFound:
      return { status: 404, title: 'Reminder not found' };
    case ReminderErrorCode.AlreadyClosed:
      return { status: 409, title: 'Reminder already closed' };
    default: {
      const unmapped: never = code;
      throw new TypeError(`unmapped reminder error code ${String(unmapped)}`);
    }
  }
});
