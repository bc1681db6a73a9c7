import { DomainException, mapDomainErrors } from '@fieldforce/platform';

export enum CheckInErrorCode {
  NotFound = 'CHECK_IN_NOT_FOUND',
  /** A create reused an existing check-in's id with different content. */
  AlreadyExists = 'CHECK_IN_ALREADY_EXISTS',
  /** A check-out differs from the one already recorded. */
  AlreadyCheckedOut = 'CHECK_IN_ALREADY_CHECKED_OUT',
  CheckOutBeforeCheckIn = 'CHECK_OUT_BEFORE_CHECK_IN',
  /** Only flagged check-ins are reviewed, and each once. */
  NotFlagged = 'CHECK_IN_NOT_FLAGGED',
  SelfReview = 'CHECK_IN_SELF_REVIEW',
}

export class CheckInException extends DomainException<CheckInErrorCode> {
  static notFound(id: string): CheckInException {
    return new CheckInException(CheckInErrorCode.NotFound, `check-in ${id} not found`, { details: { id } });
  }

  static alreadyExists(id: string): CheckInException {
    return new CheckInException(CheckInErrorCode.AlreadyExists, `check-in ${id} already exists with other data; a retry must repeat it exactly`, {
      details: { id },
    });
  }

  static alreadyCheckedOut(id: string): CheckInException {
    return new CheckInException(CheckInErrorCode.AlreadyCheckedOut, `check-in ${id} already has another check-out`, { details: { id } });
  }

  static checkOutBeforeCheckIn(id: string): CheckInException {
    return new CheckInException(CheckInErrorCode.CheckOutBeforeCheckIn, `the check-out of ${id} is captured before its check-in`, {
      errors: [{ field: 'point.capturedAt', message: 'must not be before the check-in was captured' }],
    });
  }

  static notFlagged(id: string, status: string): CheckInException {
    return new CheckInException(CheckInErrorCode.NotFlagged, `check-in ${id} is ${status}; only flagged check-ins are reviewed`, {
      details: { id, status },
    });
  }

  static selfReview(id: string): CheckInException {
    return new CheckInException(CheckInErrorCode.SelfReview, `check-in ${id} is your own; someone else reviews it`, { details: { id } });
  }
}

export const checkInProblems = mapDomainErrors(CheckInException, (code: CheckInErrorCode) => {
  switch (code) {
    case CheckInErrorCode.NotFound:
      return { status: 404, title: 'Check-in not found' };
    case CheckInErrorCode.AlreadyExists:
      return { status: 409, title: 'Check-in already exists' };
    case CheckInErrorCode.AlreadyCheckedOut:
      return { status: 409, title: 'Already checked out' };
    case CheckInErrorCode.CheckOutBeforeCheckIn:
      return { status: 422, title: 'Check-out before check-in' };
    case CheckInErrorCode.NotFlagged:
      return { status: 409, title: 'Check-in not flagged' };
    case CheckInErrorCode.SelfReview:
      return { status: 403, title: 'Own check-in' };
    default: {
      const unmapped: never = code;
      throw new TypeError(`unmapped check-in error code ${String(unmapped)}`);
    }
  }
});
