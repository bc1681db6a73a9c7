import { AuthErrorCode, AuthException, authProblem, authProblems, wwwAuthenticate } from './auth.exception';

describe(AuthException.name, () => {
  it('maps authentication failures to 401, permission failures to 403 and missing keys to 503', () => {
    expect(authProblem(AuthErrorCode.TokenMissing).status).toBe(401);
    expect(authProblem(AuthErrorCode.TokenInvalid).status).toBe(401);
    expect(authProblem(AuthErrorCode.TokenExpired).status).toBe(401);
    expect(authProblem(AuthErrorCode.ActionForbidden).status).toBe(403);
    expect(authProblem(AuthErrorCode.FieldsNotWritable).status).toBe(403);
    expect(authProblem(AuthErrorCode.TotpEnrolmentRequired).status).toBe(403);
    expect(authProblem(AuthErrorCode.KeysUnavailable).status).toBe(503);
    expect(authProblems.matches(AuthException.tokenMissing())).toBe(true);
  });

  it('challenges a missing token without an error code and a bad one with invalid_token', () => {
    expect(wwwAuthenticate(AuthException.tokenMissing())).toBe('Bearer realm="fieldforce"');
    expect(wwwAuthenticate(AuthException.tokenExpired())).toMatch(/^Bearer realm="fieldforce", error="invalid_token", error_description="[^"]+"$/);
    expect(wwwAuthenticate(AuthException.tokenInvalid('claim "sub" is bad'))).not.toMatch(/"sub"/);
    expect(wwwAuthenticate(AuthException.actionForbidden('customer:delete'))).toBeUndefined();
  });

  it('names each non-writable field as a field error', () => {
    const error = AuthException.fieldsNotWritable('customer', ['grade', 'creditLimit']);

    expect(error.errors).toEqual([
      { field: 'grade', message: 'your roles may not write customer.grade' },
      { field: 'creditLimit', message: 'your roles may not write customer.creditLimit' },
    ]);
  });
});
