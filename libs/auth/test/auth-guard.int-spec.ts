import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { SignJWT } from 'jose';
import { TestJwks } from '@fieldforce/testing';
import { AccessTokenVerifier, AuthErrorCode, AuthException, AuthGuard } from '../src';
import { type AuthTestSchema, authTestConfig, createAuthTestSchema, startAuthTestApp } from './support/auth-test-app';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe(AuthGuard.name, () => {
  let jwks: TestJwks;
  let schema: AuthTestSchema;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    jwks = await TestJwks.start();
    schema = await createAuthTestSchema('guard');
    app = await startAuthTestApp({ schema: schema.name, config: authTestConfig(jwks) });
  });

  afterAll(async () => {
    await app?.close();
    await schema?.drop();
    await jwks?.stop();
  });

  const get = (url: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers });

  function expectUnauthorized(response: Awaited<ReturnType<typeof get>>, code: AuthErrorCode, detail?: RegExp): void {
    expect(response.statusCode).toBe(401);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ status: 401, code, type: expect.any(String), title: expect.any(String) });
    if (detail) expect(response.json().detail).toMatch(detail);
  }

  it('lets a valid token through and hands the route the user it names', async () => {
    const token = await jwks.sign({ roles: ['supervisor'], org: 'emea.de', deviceId: 'phone-7' });
    const response = await get('/things', bearer(token));

    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ roles: ['supervisor'], orgPath: 'emea.de', scope: 'team', rank: 20, deviceId: 'phone-7' });
  });

  it('answers a request without a token with 401 problem+json and a Bearer challenge', async () => {
    const response = await get('/things');

    expectUnauthorized(response, AuthErrorCode.TokenMissing);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="fieldforce"');
  });

  it('refuses an expired token as invalid_token', async () => {
    const token = await jwks.sign({}, { expiresInSeconds: -60 });
    const response = await get('/things', bearer(token));

    expectUnauthorized(response, AuthErrorCode.TokenExpired);
    expect(response.headers['www-authenticate']).toMatch(/error="invalid_token"/);
  });

  it('refuses a token whose payload was altered after signing', async () => {
    const [header, payload, signature] = (await jwks.sign({ roles: ['rep'], scope: 'own' })).split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8'));
    const elevated = Buffer.from(JSON.stringify({ ...claims, roles: ['admin'], scope: 'all' })).toString('base64url');

    expectUnauthorized(await get('/things', bearer(`${header}.${elevated}.${signature}`)), AuthErrorCode.TokenInvalid, /signature/);
  });

  it('refuses a token of another issuer or audience', async () => {
    expectUnauthorized(await get('/things', bearer(await jwks.sign({ iss: 'someone-else' }))), AuthErrorCode.TokenInvalid, /iss/);
    expectUnauthorized(await get('/things', bearer(await jwks.sign({ aud: 'another-platform' }))), AuthErrorCode.TokenInvalid, /aud/);
  });

  it('refuses a token signed with another algorithm, even by a key it knows the kid of', async () => {
    const hs256 = await new SignJWT({ tid: 'x' })
      .setProtectedHeader({ alg: 'HS256', kid: jwks.currentKid })
      .sign(new TextEncoder().encode('a-shared-secret-anyone-could-guess!'));

    expectUnauthorized(await get('/things', bearer(hs256)), AuthErrorCode.TokenInvalid, /ES256/);
  });

  it('refuses a token with a malformed claim', async () => {
    expectUnauthorized(await get('/things', bearer(await jwks.sign({ tid: 'not-a-uuid' }))), AuthErrorCode.TokenInvalid, /tid/);
    expectUnauthorized(await get('/things', bearer(await jwks.sign({ org: 'emea/de' }))), AuthErrorCode.TokenInvalid, /org/);
  });

  it('refuses a key it cannot find, then picks up a rotated key without a restart', async () => {
    expectUnauthorized(await get('/things', bearer(await jwks.sign({}, { unpublishedKey: true }))), AuthErrorCode.TokenInvalid, /unknown key/);

    const oldToken = await jwks.sign();
    await jwks.rotate();
    const newToken = await jwks.sign();

    expect((await get('/things', bearer(newToken))).statusCode).toBe(200);
    // The previous key stays valid until the issuer retires it.
    expect((await get('/things', bearer(oldToken))).statusCode).toBe(200);
  });

  it('keeps the routes of health, metrics and OpenAPI and @Public() routes open', async () => {
    for (const url of ['/health/live', '/metrics', '/openapi.json', '/things/public']) {
      expect([url, (await get(url)).statusCode]).toEqual([url, 200]);
    }
  });

  it('answers 403 problem+json when the roles do not grant the route action', async () => {
    const rep = await jwks.sign({ roles: ['rep'] });
    const admin = await jwks.sign({ roles: ['admin'] });

    const refused = await app.inject({ method: 'DELETE', url: '/things/c-1', headers: bearer(rep) });
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ code: AuthErrorCode.ActionForbidden, details: { action: 'customer:delete' } });
    expect((await app.inject({ method: 'DELETE', url: '/things/c-1', headers: bearer(admin) })).statusCode).toBe(200);
  });

  it('masks unreadable fields and names the non-writable ones a write sets', async () => {
    const rep = await jwks.sign({ roles: ['rep'] });

    expect((await get('/things/customer', bearer(rep))).json()).toEqual({ id: 'c-1', name: 'Corner Pharmacy', grade: 'A', ownerId: null });
    const write = await app.inject({
      method: 'POST',
      url: '/things/customer',
      headers: bearer(rep),
      payload: { name: 'Renamed', grade: 'A', creditLimit: 1 },
    });
    expect(write.statusCode).toBe(403);
    expect(write.json()).toMatchObject({ code: AuthErrorCode.FieldsNotWritable });
    expect(write.json().errors.map((e: { field: string }) => e.field)).toEqual(['creditLimit', 'grade']);
  });

  it('confines a password-only token of a role requiring TOTP to the enrolment routes', async () => {
    const pending = await jwks.sign({ roles: ['admin'], amr: ['pwd'] });
    const verified = await jwks.sign({ roles: ['admin'], amr: ['pwd', 'otp'] });
    const repWithPassword = await jwks.sign({ roles: ['rep'], amr: ['pwd'] });

    const refused = await get('/things', bearer(pending));
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe(AuthErrorCode.TotpEnrolmentRequired);
    const withoutAmr = await get('/things', bearer(await jwks.sign({ roles: ['admin'], amr: undefined })));
    expect(withoutAmr.json().code).toBe(AuthErrorCode.TotpEnrolmentRequired);
    expect((await get('/api/v1/me', bearer(pending))).statusCode).toBe(200);
    expect((await get('/things', bearer(verified))).statusCode).toBe(200);
    expect((await get('/things', bearer(repWithPassword))).statusCode).toBe(200);
  });
});

describe(AccessTokenVerifier.name, () => {
  let jwks: TestJwks;

  beforeAll(async () => {
    jwks = await TestJwks.start();
  });

  afterAll(async () => {
    await jwks?.stop();
  });

  const config = (overrides: Partial<ConstructorParameters<typeof AccessTokenVerifier>[0]> = {}) => ({
    jwksUrl: jwks.url,
    issuer: 'fieldforce-permissions',
    audience: 'fieldforce',
    clockToleranceSeconds: 5,
    jwksRefetchCooldownMs: 0,
    jwksMaxAgeMs: 600_000,
    jwksTimeoutMs: 2_000,
    ...overrides,
  });

  async function rejection(promise: Promise<unknown>): Promise<AuthException> {
    try {
      await promise;
    } catch (error) {
      if (error instanceof AuthException) return error;
      throw error;
    }
    throw new Error('expected the verification to fail');
  }

  it('lets requests that arrive while the first key fetch is in flight wait for it', async () => {
    const verifier = new AccessTokenVerifier(config({ jwksRefetchCooldownMs: 30_000 }));
    const token = await jwks.sign({ roles: ['rep'] });

    const results = await Promise.allSettled(Array.from({ length: 8 }, () => verifier.verify(token)));

    expect(results.map((result) => result.status)).toEqual(Array(8).fill('fulfilled'));
  });

  it('keeps verifying with the keys it holds while the key set cannot be fetched', async () => {
    // Max age 0: every verification tries a refresh first, and each fails.
    const verifier = new AccessTokenVerifier(config({ jwksMaxAgeMs: 0 }));
    const token = await jwks.sign({ roles: ['rep'] });
    await verifier.verify(token);

    jwks.setAvailable(false);
    try {
      expect((await verifier.verify(token)).roles).toEqual(['rep']);
    } finally {
      jwks.setAvailable(true);
    }
  });

  it('answers 503 while it never could fetch a key set, and recovers when the key set comes back', async () => {
    const verifier = new AccessTokenVerifier(config());
    const token = await jwks.sign();

    jwks.setAvailable(false);
    try {
      expect((await rejection(verifier.verify(token))).code).toBe(AuthErrorCode.KeysUnavailable);
    } finally {
      jwks.setAvailable(true);
    }
    // A failed first fetch is retried no sooner than a second later.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await verifier.verify(token)).tid).toBeDefined();
  });

  it('refetches for unknown keys at most once per cooldown', async () => {
    const verifier = new AccessTokenVerifier(config({ jwksRefetchCooldownMs: 60_000 }));
    await verifier.verify(await jwks.sign());
    const fetchesBefore = jwks.fetchCount;

    for (let i = 0; i < 5; i += 1) {
      const error = await rejection(verifier.verify(await jwks.sign({}, { unpublishedKey: true })));
      expect(error.code).toBe(AuthErrorCode.TokenInvalid);
    }
    expect(jwks.fetchCount).toBe(fetchesBefore);
  });
});
