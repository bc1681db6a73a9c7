import { DomainException, mapDomainErrors } from '@fieldforce/platform';

export enum AuthErrorCode {
  /** Unknown tenant, unknown user, wrong password or inactive user: one answer for all. */
  InvalidCredentials = 'AUTH_INVALID_CREDENTIALS',
  /** The password was right; the user has TOTP and sent no code. */
  TotpRequired = 'AUTH_TOTP_REQUIRED',
  TotpInvalid = 'AUTH_TOTP_INVALID',
  /** Too many failed logins for the username (locked) or from the IP; see Retry-After. */
  TooManyAttempts = 'AUTH_TOO_MANY_ATTEMPTS',
  /** Unknown, expired or revoked refresh token. */
  RefreshTokenInvalid = 'AUTH_REFRESH_TOKEN_INVALID',
  /** A refresh token that was already exchanged: its session is now revoked. */
  RefreshTokenReused = 'AUTH_REFRESH_TOKEN_REUSED',
  TotpAlreadyEnabled = 'AUTH_TOTP_ALREADY_ENABLED',
  TotpSetupNotStarted = 'AUTH_TOTP_SETUP_NOT_STARTED',
  /** The code sent to confirm TOTP enrolment does not match the secret. */
  TotpCodeRejected = 'AUTH_TOTP_CODE_REJECTED',
}

export class AuthException extends DomainException<AuthErrorCode> {
  static invalidCredentials(): AuthException {
    return new AuthException(AuthErrorCode.InvalidCredentials, 'tenant, username or password is wrong');
  }

  static totpRequired(): AuthException {
    return new AuthException(AuthErrorCode.TotpRequired, 'this account needs a TOTP code: send it as totp', {
      errors: [{ field: 'totp', message: 'is required for this account' }],
    });
  }

  static totpInvalid(): AuthException {
    return new AuthException(AuthErrorCode.TotpInvalid, 'the TOTP code is wrong, expired or already used', {
      errors: [{ field: 'totp', message: 'is wrong, expired or already used' }],
    });
  }

  static tooManyAttempts(retryAfterSeconds: number): AuthException {
    return new AuthException(AuthErrorCode.TooManyAttempts, `too many failed logins; retry in ${retryAfterSeconds} s`, {
      details: { retryAfterSeconds },
    });
  }

  static refreshTokenInvalid(): AuthException {
    return new AuthException(AuthErrorCode.RefreshTokenInvalid, 'the refresh token is unknown, expired or revoked: log in again');
  }

  static refreshTokenReused(): AuthException {
    return new AuthException(
      AuthErrorCode.RefreshTokenReused,
      'this refresh token was already used; its session is revoked for safety: log in again',
    );
  }

  static totpAlreadyEnabled(): AuthException {
    return new AuthException(AuthErrorCode.TotpAlreadyEnabled, 'TOTP is already enabled for this account');
  }

  static totpSetupNotStarted(): AuthException {
    return new AuthException(AuthErrorCode.TotpSetupNotStarted, 'start with POST /api/v1/auth/totp/setup');
  }

  static totpCodeRejected(): AuthException {
    return new AuthException(AuthErrorCode.TotpCodeRejected, 'the code does not match the secret: check the device clock and retry', {
      errors: [{ field: 'code', message: 'does not match the secret' }],
    });
  }

  /** Seconds the client should wait, for the Retry-After header. */
  get retryAfterSeconds(): number | undefined {
    const value = this.details?.retryAfterSeconds;
    return typeof value === 'number' ? value : undefined;
  }
}

export const authProblems = mapDomainErrors(AuthException, (code: AuthErrorCode) => {
  switch (code) {
    case AuthErrorCode.InvalidCredentials:
      return { status: 401, title: 'Login failed' };
    case AuthErrorCode.TotpRequired:
      return { status: 401, title: 'TOTP code required' };
    case AuthErrorCode.TotpInvalid:
      return { status: 401, title: 'TOTP code invalid' };
    case AuthErrorCode.TooManyAttempts:
      return { status: 429, title: 'Too many attempts' };
    case AuthErrorCode.RefreshTokenInvalid:
      return { status: 401, title: 'Refresh token invalid' };
    case AuthErrorCode.RefreshTokenReused:
      return { status: 401, title: 'Refresh token reused' };
    case AuthErrorCode.TotpAlreadyEnabled:
      return { status: 409, title: 'TOTP already enabled' };
    case AuthErrorCode.TotpSetupNotStarted:
      return { status: 409, title: 'TOTP setup not started' };
    case AuthErrorCode.TotpCodeRejected:
      return { status: 422, title: 'TOTP code rejected' };
    default: {
      const unmapped: never = code;
      throw new TypeError(`unmapped auth error code ${String(unmapped)}`);
    }
  }
});
