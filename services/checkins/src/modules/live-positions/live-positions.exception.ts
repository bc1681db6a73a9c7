import { DomainException, mapDomainErrors } from '@fieldforce/platform';

export enum LivePositionErrorCode {
  /** Unknown, or outside the reader's data scope: the same answer, so neither is revealed. */
  OrgUnitNotFound = 'LIVE_POSITIONS_ORG_UNIT_NOT_FOUND',
}

export class LivePositionException extends DomainException<LivePositionErrorCode> {
  static orgUnitNotFound(orgUnitId: string): LivePositionException {
    return new LivePositionException(LivePositionErrorCode.OrgUnitNotFound, `org unit ${orgUnitId} not found`, { details: { orgUnitId } });
  }
}

export const livePositionProblems = mapDomainErrors(LivePositionException, (code: LivePositionErrorCode) => {
  switch (code) {
    case LivePositionErrorCode.OrgUnitNotFound:
      return { status: 404, title: 'Org unit not found' };
    default: {
      const unmapped: never = code;
      throw new TypeError(`unmapped live position error code ${String(unmapped)}`);
    }
  }
});
