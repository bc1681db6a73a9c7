import { AuthErrorCode, AuthException } from '../errors/auth.exception';
import { bearerToken } from './access-token-verifier';

describe(bearerToken.name, () => {
  it('reads the token of a Bearer header, whatever the scheme case', () => {
    expect(bearerToken('Bearer eyJ.abc.def')).toBe('eyJ.abc.def');
    expect(bearerToken('bearer eyJ.abc.def')).toBe('eyJ.abc.def');
  });

  it('finds no token without a header or with another scheme', () => {
    expect(bearerToken(undefined)).toBeUndefined();
    expect(bearerToken('Basic dXNlcjpwdw==')).toBeUndefined();
  });

  it('refuses a Bearer header without a well-formed token', () => {
    for (const header of ['Bearer', 'Bearer ', 'Bearer a b', 'Bearer a"b']) {
      let thrown: unknown;
      try {
        bearerToken(header);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(AuthException);
      expect((thrown as AuthException).code).toBe(AuthErrorCode.TokenInvalid);
    }
  });
});
