import { DomainException, mapDomainErrors } from '@fieldforce/platform';

export enum FeedErrorCode {
  /** The cursor was not issued by this service, was altered, or belongs to another user. */
  CursorInvalid = 'SYNC_CURSOR_INVALID',
  /** The feed can no longer continue from the cursor: the device must reload (keeping its pending changes). */
  ResetRequired = 'SYNC_RESET_REQUIRED',
}

export class FeedException extends DomainException<FeedErrorCode> {
  static cursorInvalid(reason: string): FeedException {
    return new FeedException(FeedErrorCode.CursorInvalid, `the cursor is not valid: ${reason}`, {
      errors: [{ field: 'cursor', message: reason }],
    });
  }

  static resetRequired(reason: string): FeedException {
    return new FeedException(FeedErrorCode.ResetRequired, `${reason}; pull again without a cursor and keep the pending changes`, {
      details: { reset: true },
    });
  }
}

export const feedProblems = mapDomainErrors(FeedException, (code: FeedErrorCode) => {
  switch (code) {
    case FeedErrorCode.CursorInvalid:
      return { status: 400, title: 'Invalid cursor' };
    case FeedErrorCode.ResetRequired:
      return { status: 410, title: 'Sync reset required' };
    default: {
      const unmapped: never = code;
      throw new TypeError(`unmapped feed error code ${String(unmapped)}`);
    }
  }
});
