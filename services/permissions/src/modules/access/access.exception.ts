import { DomainException, mapDomainErrors } from '@fieldforce/platform';

// The same codes as @fieldforce/auth, so clients see one vocabulary whichever service answers.
export enum AccessErrorCode {
  TokenMissing = 'AUTH_TOKEN_MISSING',
  TokenInvalid = 'AUTH_TOKEN_INVALID',
  TokenExpired = 'AUTH_TOKEN_EXPIRED',
  /** The token's session was revoked (logout, admin revocation, reuse detection) or its user deactivated. */
  SessionRevoked = 'AUTH_SESSION_REVOKED',
  ActionForbidden = 'AUTH_ACTION_FORBIDDEN',
  TotpEnrolmentRequired = 'AUTH_TOTP_ENROLMENT_REQUIRED',
}

export class AccessException extends DomainException<AccessErrorCode> {
  static tokenMissing(): AccessException {
    return new AccessException(AccessErrorCode.TokenMissing, 'this route needs an access token: send Authorization: Bearer <token>');
  }

  static tokenInvalid(reason: string, cause?: unknown): AccessException {
    return new AccessException(AccessErrorCode.TokenInvalid, `the access token is not valid: ${reason}`, { cause });
  }

  static tokenExpired(): AccessException {
    return new AccessException(AccessErrorCode.TokenExpired, 'the access token has expired: refresh it and retry');
  }

  static sessionRevoked(): AccessException {
    return new AccessException(AccessErrorCode.SessionRevoked, 'this session has ended: log in again');
  }

  static actionForbidden(action: string): AccessException {
    return new AccessException(AccessErrorCode.ActionForbidden, `your roles do not allow ${action}`, { details: { action } });
  }

  static totpEnrolmentRequired(): AccessException {
    return new AccessException(
      AccessErrorCode.TotpEnrolmentRequired,
      'your role requires a second factor: enrol in TOTP (/api/v1/auth/totp/setup) and log in again',
    );
  }

  /** The `WWW-Authenticate` challenge (RFC 6750) of a 401; undefined for the 403s. */
  get challenge(): string | undefined {
    switch (this.code) {
      case AccessErrorCode.TokenMissing:
        return 'Bearer realm="fieldforce"';
      case AccessErrorCode.TokenInvalid:
      case AccessErrorCode.TokenExpired:
      case AccessErrorCode.SessionRevoked:
        return 'Bearer realm="fieldforce", error="invalid_token"';
      case AccessErrorCode.ActionForbidden:
      case AccessErrorCode.TotpEnrolmentRequired:
        return undefined;
      default: {
        const unmapped: never = this.code;
        throw new TypeError(`unmapped access error code ${String(unmapped)}`);
      }
    }
  }
}

export const accessProblems = mapDomainErrors(AccessException, (code: AccessErrorCode) => {
  switch (code) {
    case AccessErrorCode.TokenMissing:
      return { status: 401, title: 'Authentication required' };
    case AccessErrorCode.TokenInvalid:
      return { status: 401, title: 'Invalid access token' };
    case AccessErrorCode.TokenExpired:
      return { status: 401, title: 'Access token expired' };
    case AccessErrorCode.SessionRevoked:
      return { status: 401, title: 'Session ended' };
    case AccessErrorCode.ActionForbidden:
      return { status: 403, title: 'Action not allowed' };
    case AccessErrorCode.TotpEnrolmentRequired:
      return { status: 403, title: 'Second factor required' };
    default: {
      const unmapped: never = code;
      throw new TypeError(`unmapped access error code ${String(unmapped)}`);
    }
  }
});
