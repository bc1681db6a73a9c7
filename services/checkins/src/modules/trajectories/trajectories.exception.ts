import { DomainException, mapDomainErrors } from '@fieldforce/platform';

export enum TrajectoryErrorCode {
  /** Unknown, or outside the reader's data scope: the same answer, so neither is revealed. */
  UserNotFound = 'TRACK_USER_NOT_FOUND',
}

export class TrajectoryException extends DomainException<TrajectoryErrorCode> {
  static userNotFound(userId: string): TrajectoryException {
    return new TrajectoryException(TrajectoryErrorCode.UserNotFound, `no track of user ${userId} to show`, { details: { userId } });
  }
}

export const trajectoryProblems = mapDomainErrors(TrajectoryException, (code: TrajectoryErrorCode) => {
  switch (code) {
    case TrajectoryErrorCode.UserNotFound:
      return { status: 404, title: 'User not found' };
    default: {
      const unmapped: never = code;
      throw new TypeError(`unmapped trajectory error code ${String(unmapped)}`);
    }
  }
});
