import { DomainException, type FieldError, mapDomainErrors, type ProblemMapping } from '@fieldforce/platform';

export enum AuthErrorCode {
  /** No bearer token on a route that needs one. */
  TokenMissing = 'AUTH_TOKEN_MISSING',
  /** Bad signature, unknown key, wrong issuer/audience/algorithm, malformed or incomplete claims. */
  TokenInvalid = 'AUTH_TOKEN_INVALID',
  TokenExpired = 'AUTH_TOKEN_EXPIRED',
  /** The key set could never be fetched, so no token can be verified yet. */
  KeysUnavailable = 'AUTH_KEYS_UNAVAILABLE',
  /** The user's roles do not grant the action the route requires. */
  ActionForbidden = 'AUTH_ACTION_FORBIDDEN',
  /** The request sets fields the user's roles may not write. */
  FieldsNotWritable = 'AUTH_FIELDS_NOT_WRITABLE',
  /** A password-only token of a user whose role requires TOTP: only enrolment routes are open to it. */
  TotpEnrolmentRequired = 'AUTH_TOTP_ENROLMENT_REQUIRED',
}

/** Authentication and authorization failures; build them with the static factories. */
export class AuthException extends DomainException<AuthErrorCode> {
  static tokenMissing(): AuthException {
    return new AuthException(AuthErrorCode.TokenMissing, 'this route needs an access token: send Authorization: Bearer <token>');
  }

  static tokenInvalid(reason: string, cause?: unknown): AuthException {
    return new AuthException(AuthErrorCode.TokenInvalid, `the access token is not valid: ${reason}`, { cause });
  }

  static tokenExpired(cause?: unknown): AuthException {
    return new AuthException(AuthErrorCode.TokenExpired, 'the access token has expired: refresh it and retry', { cause });
  }

  static keysUnavailable(cause?: unknown): AuthException {
    return new AuthException(
      AuthErrorCode.KeysUnavailable,
      'access tokens cannot be verified right now (signing keys unavailable); retry shortly',
      { cause },
    );
  }

  static actionForbidden(action: string): AuthException {
    return new AuthException(AuthErrorCode.ActionForbidden, `your roles do not allow ${action}`, { details: { action } });
  }

  /** 403 naming every field the request may not set. */
  static fieldsNotWritable(resource: string, fields: readonly string[]): AuthException {
    const errors: FieldError[] = fields.map((field) => ({ field, message: `your roles may not write ${resource}.${field}` }));
    return new AuthException(AuthErrorCode.FieldsNotWritable, `your roles may not write ${fields.join(', ')} of a ${resource}`, {
      errors,
      details: { resource },
    });
  }

  static totpEnrolmentRequired(): AuthException {
    return new AuthException(
      AuthErrorCode.TotpEnrolmentRequired,
      'your role requires a second factor: enrol in TOTP (/api/v1/auth/totp/setup) and log in again',
    );
  }
}

/** How the auth codes map to HTTP. */
export function authProblem(code: AuthErrorCode): ProblemMapping {
  switch (code) {
    case AuthErrorCode.TokenMissing:
      return { status: 401, title: 'Authentication required' };
    case AuthErrorCode.TokenInvalid:
      return { status: 401, title: 'Invalid access token' };
    case AuthErrorCode.TokenExpired:
      return { status: 401, title: 'Access token expired' };
    case AuthErrorCode.KeysUnavailable:
      return { status: 503, title: 'Token verification unavailable' };
    case AuthErrorCode.ActionForbidden:
      return { status: 403, title: 'Action not allowed' };
    case AuthErrorCode.FieldsNotWritable:
      return { status: 403, title: 'Fields not writable' };
    case AuthErrorCode.TotpEnrolmentRequired:
      return { status: 403, title: 'Second factor required' };
    default: {
      const unmapped: never = code;
      throw new TypeError(`unmapped auth error code ${String(unmapped)}`);
    }
  }
}

/** The auth problem mapping; every service lists it in its `problemMappings`. */
export const authProblems = mapDomainErrors(AuthException, authProblem);

/**
 * The `WWW-Authenticate` header value (RFC 6750) of a 401 auth failure; undefined for the others.
 * A missing token gets no error code, as RFC 6750 §3.1 asks.
 */
export function wwwAuthenticate(exception: AuthException): string | undefined {
  switch (exception.code) {
    case AuthErrorCode.TokenMissing:
      return 'Bearer realm="fieldforce"';
    case AuthErrorCode.TokenInvalid:
    case AuthErrorCode.TokenExpired:
      return `Bearer realm="fieldforce", error="invalid_token", error_description="${headerSafe(exception.message)}"`;
    case AuthErrorCode.KeysUnavailable:
    case AuthErrorCode.ActionForbidden:
    case AuthErrorCode.FieldsNotWritable:
    case AuthErrorCode.TotpEnrolmentRequired:
      return undefined;
    default: {
      const unmapped: never = exception.code;
      throw new TypeError(`unmapped auth error code ${String(unmapped)}`);
    }
  }
}

// Quoted-string content: no quotes, backslashes or control characters.
function headerSafe(text: string): string {
  return text.replace(/["\\\p{Cc}]/gu, "'");
}
