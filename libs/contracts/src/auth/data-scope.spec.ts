import { Value } from '@sinclair/typebox/value';
import { type AccessTokenClaims, AccessTokenClaimsSchema } from './access-token';
import { isDataScope, isUnderOrgPath, widestScope } from './data-scope';

describe(widestScope.name, () => {
  it('orders own < team < region < all', () => {
    expect(widestScope(['own', 'team'])).toBe('team');
    expect(widestScope(['region', 'team', 'own'])).toBe('region');
    expect(widestScope(['all', 'own'])).toBe('all');
  });

  it('answers own when there is no scope at all', () => {
    expect(widestScope([])).toBe('own');
  });
});

describe(isDataScope.name, () => {
  it('recognises the four scopes only', () => {
    expect(['own', 'team', 'region', 'all'].every(isDataScope)).toBe(true);
    expect(isDataScope('tenant')).toBe(false);
  });
});

describe(isUnderOrgPath.name, () => {
  it('counts the unit itself and its descendants as under it', () => {
    expect(isUnderOrgPath('a.b', 'a.b')).toBe(true);
    expect(isUnderOrgPath('a.b.c.d', 'a.b')).toBe(true);
  });

  it('does not count a sibling whose label merely starts the same', () => {
    expect(isUnderOrgPath('a.bc', 'a.b')).toBe(false);
    expect(isUnderOrgPath('a', 'a.b')).toBe(false);
  });
});

describe('AccessTokenClaimsSchema', () => {
  const claims: AccessTokenClaims = {
    iss: 'fieldforce-permissions',
    aud: 'fieldforce',
    sub: '0190d6a1-1111-7111-8111-111111111111',
    tid: '0190d6a0-0000-7000-8000-000000000001',
    roles: ['rep'],
    org: 'u0190d6a0.u0190d6a2',
    scope: 'own',
    rank: 10,
    deviceId: 'phone-1',
    iat: 1_721_032_200,
    exp: 1_721_033_100,
    jti: '0190d6a5-5555-7555-8555-555555555555',
  };

  it('accepts the claims of a regular token and of a restricted (password-only) one', () => {
    expect(Value.Check(AccessTokenClaimsSchema, claims)).toBe(true);
    expect(Value.Check(AccessTokenClaimsSchema, { ...claims, amr: ['pwd'] })).toBe(true);
  });

  it('refuses another issuer, an unknown scope and an org path that is not ltree-compatible', () => {
    expect(Value.Check(AccessTokenClaimsSchema, { ...claims, iss: 'someone-else' })).toBe(false);
    expect(Value.Check(AccessTokenClaimsSchema, { ...claims, scope: 'tenant' })).toBe(false);
    expect(Value.Check(AccessTokenClaimsSchema, { ...claims, org: 'emea/de' })).toBe(false);
  });
});
