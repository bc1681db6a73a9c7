import { DomainException, mapDomainErrors } from '@fieldforce/platform';

export enum CheckInMutationErrorCode {
  /** Check-ins are evidence of a visit: a device never deletes one. */
  NotDeletable = 'CHECK_IN_NOT_DELETABLE',
  /** A pushed create reused an existing check-in's id with other content. */
  IdReused = 'CHECK_IN_ID_REUSED',
}

export class CheckInMutationException extends DomainException<CheckInMutationErrorCode> {
  static notDeletable(id: string): CheckInMutationException {
    return new CheckInMutationException(
      CheckInMutationErrorCode.NotDeletable,
      `check-in ${id} cannot be deleted: check-ins are evidence of a visit and are never deleted from a device`,
      { details: { id } },
    );
  }

  static idReused(id: string, cause: unknown): CheckInMutationException {
    return new CheckInMutationException(
      CheckInMutationErrorCode.IdReused,
      `check-in ${id} already exists with other data; a pushed create must repeat it exactly`,
      { details: { id }, cause },
    );
  }
}

export const checkInMutationProblems = mapDomainErrors(CheckInMutationException, (code: CheckInMutationErrorCode) => {
  switch (code) {
    // 422, not 405 or 409: no retry or other state can make either mutation apply.
    case CheckInMutationErrorCode.NotDeletable:
      return { status: 422, title: 'Check-ins are not deleted' };
    case CheckInMutationErrorCode.IdReused:
      return { status: 422, title: 'Check-in id reused' };
    default: {
      const unmapped: never = code;
      throw new TypeError(`unmapped check-in mutation error code ${String(unmapped)}`);
    }
  }
});
