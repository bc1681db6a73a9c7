import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify, SignJWT } from 'jose';
import { DataSource } from 'typeorm';
import { AccessTokenClaimsSchema, uuidv7 } from '@fieldforce/contracts';
import { Value } from '@sinclair/typebox/value';
import { SigningKeysService } from '../src/modules/signing-keys/signing-keys.service';
import { createTestTenant, randomIp, type TestTenant, totpCode } from './factories/tenant.factory';
import { ApiClient } from './support/api-client';
import { type PermissionsTestApp, startPermissionsApp } from './support/permissions-app';

const MAX_FAILURES_PER_USER = 3;
const MAX_FAILURES_PER_IP = 6;
const LOCKOUT_SECONDS = 120;

describe('permissions authentication', () => {
  let permissions: PermissionsTestApp;
  let app: NestFastifyApplication;
  let api: ApiClient;
  let dataSource: DataSource;
  let tenant: TestTenant;
  let adminToken: string;

  beforeAll(async () => {
    // A database of its own: the key rotation test ages and drops signing keys every app shares.
    permissions = await startPermissionsApp({
      ownDatabase: 'permissions-auth',
      env: {
        LOGIN_MAX_FAILURES_PER_USER: String(MAX_FAILURES_PER_USER),
        LOGIN_MAX_FAILURES_PER_IP: String(MAX_FAILURES_PER_IP),
        LOGIN_LOCKOUT_SECONDS: String(LOCKOUT_SECONDS),
      },
    });
    ({ app } = permissions);
    api = new ApiClient(app);
    dataSource = app.get(DataSource);
    tenant = await createTestTenant(app);
    ({ accessToken: adminToken } = await api.adminToken(tenant));
  });

  afterAll(async () => {
    await permissions?.close();
  });

  /** A rep of the test tenant, with a fresh username and password. */
  async function newRep(): Promise<{ id: string; username: string; password: string }> {
    const username = `rep-${uuidv7().slice(-12)}`;
    const password = `pw-${uuidv7()}`;
    const id = await api.createUser(adminToken, { username, password, orgUnitId: tenant.rootOrgUnitId, roles: ['rep'] });
    return { id, username, password };
  }

  const meStatus = async (token: string): Promise<number> => (await api.request('GET', '/api/v1/me', { token })).statusCode;

  describe('login', () => {
    it('answers tokens whose claims follow the contract and verify against the published JWKS', async () => {
      const rep = await newRep();
      const response = await api.login({ tenant: tenant.slug, username: rep.username, password: rep.password, deviceId: 'phone-7' });

      expect(response.statusCode).toBe(200);
      const body = response.json();
      expect(body).toMatchObject({ expiresIn: 900, totpEnrolmentRequired: false, user: { id: rep.id, roles: ['rep'] } });
      expect(body.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const jwks = (await api.request('GET', '/.well-known/jwks.json')).json();
      const { payload, protectedHeader } = await jwtVerify(body.accessToken, createLocalJWKSet(jwks), {
        issuer: 'fieldforce-permissions',
        audience: 'fieldforce',
      });
      expect(protectedHeader).toMatchObject({ alg: 'ES256', kid: expect.any(String) });
      expect(Value.Check(AccessTokenClaimsSchema, payload)).toBe(true);
      expect(payload).toMatchObject({
        sub: rep.id,
        tid: tenant.id,
        roles: ['rep'],
        org: tenant.rootPath,
        scope: 'own',
        rank: 10,
        deviceId: 'phone-7',
        amr: ['pwd'],
      });
      expect(payload.exp! - payload.iat!).toBe(900);
    });

    it('answers unknown tenant, unknown user, wrong password and inactive user with the same 401', async () => {
      const rep = await newRep();
      const inactive = await newRep();
      await api.request('PATCH', `/api/v1/users/${inactive.id}`, { token: adminToken, body: { active: false } });

      const answers = await Promise.all([
        api.login({ tenant: 'no-such-tenant', username: rep.username, password: rep.password }),
        api.login({ tenant: tenant.slug, username: 'nobody-here', password: rep.password }),
        api.login({ tenant: tenant.slug, username: rep.username, password: 'wrong-password' }),
        api.login({ tenant: tenant.slug, username: inactive.username, password: inactive.password }),
      ]);

      for (const answer of answers) {
        expect(answer.statusCode).toBe(401);
        expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
        const { requestId: _requestId, ...problem } = answer.json();
        expect(problem).toEqual({
          type: 'urn:fieldforce:problem:auth-invalid-credentials',
          title: 'Login failed',
          status: 401,
          detail: 'tenant, username or password is wrong',
          code: 'AUTH_INVALID_CREDENTIALS',
          instance: '/api/v1/auth/login',
        });
      }
    });

    it('locks an account after repeated failures: 429 with Retry-After, even for the right password', async () => {
      const rep = await newRep();
      for (let attempt = 0; attempt < MAX_FAILURES_PER_USER; attempt++) {
        const failed = await api.login({ tenant: tenant.slug, username: rep.username, password: 'wrong-password' });
        expect(failed.statusCode).toBe(401);
      }

      const locked = await api.login({ tenant: tenant.slug, username: rep.username, password: 'wrong-password' });
      const rightPassword = await api.login({ tenant: tenant.slug, username: rep.username, password: rep.password });

      for (const answer of [locked, rightPassword]) {
        expect(answer.statusCode).toBe(429);
        expect(answer.json()).toMatchObject({ code: 'AUTH_TOO_MANY_ATTEMPTS', details: { retryAfterSeconds: expect.any(Number) } });
        const retryAfter = Number(answer.headers['retry-after']);
        expect(retryAfter).toBeGreaterThan(0);
        expect(retryAfter).toBeLessThanOrEqual(LOCKOUT_SECONDS);
      }
      // Another user of the tenant is not affected.
      const other = await newRep();
      expect((await api.login({ tenant: tenant.slug, username: other.username, password: other.password })).statusCode).toBe(200);
    });

    it('forgets earlier failures after a successful login', async () => {
      const rep = await newRep();
      for (let attempt = 0; attempt < MAX_FAILURES_PER_USER - 1; attempt++) {
        await api.login({ tenant: tenant.slug, username: rep.username, password: 'wrong-password' });
      }
      expect((await api.login({ tenant: tenant.slug, username: rep.username, password: rep.password })).statusCode).toBe(200);
      for (let attempt = 0; attempt < MAX_FAILURES_PER_USER - 1; attempt++) {
        expect((await api.login({ tenant: tenant.slug, username: rep.username, password: 'wrong-password' })).statusCode).toBe(401);
      }
      expect((await api.login({ tenant: tenant.slug, username: rep.username, password: rep.password })).statusCode).toBe(200);
    });

    it('throttles one IP guessing many usernames with 429 and Retry-After', async () => {
      const ip = randomIp();
      const statuses: number[] = [];
      for (let attempt = 0; attempt <= MAX_FAILURES_PER_IP; attempt++) {
        const answer = await api.login({ tenant: tenant.slug, username: `guess-${attempt}`, password: 'wrong-password' }, ip);
        statuses.push(answer.statusCode);
        if (answer.statusCode === 429) expect(Number(answer.headers['retry-after'])).toBeGreaterThan(0);
      }

      expect(statuses).toEqual([...Array<number>(MAX_FAILURES_PER_IP).fill(401), 429]);
      const rep = await newRep();
      // The limit is per IP: the same login from elsewhere works.
      expect((await api.login({ tenant: tenant.slug, username: rep.username, password: rep.password }, ip)).statusCode).toBe(429);
      expect((await api.login({ tenant: tenant.slug, username: rep.username, password: rep.password })).statusCode).toBe(200);
    });

    it('answers a bad login body with 400 listing the fields', async () => {
      const response = await api.request('POST', '/api/v1/auth/login', { body: { tenant: tenant.slug, totp: '12ab' } });
      expect(response.statusCode).toBe(400);
      const fields = (response.json().errors as { field: string }[]).map((error) => error.field);
      expect(fields).toEqual(expect.arrayContaining(['username', 'password', 'deviceId', 'totp']));
    });
  });

  describe('TOTP', () => {
    it('gives a user whose role requires TOTP and who has not enrolled a token that opens only enrolment and /me', async () => {
      const other = await createTestTenant(app);
      const login = await api.loginOk({ tenant: other.slug, username: other.admin.username, password: other.admin.password });

      expect(login.totpEnrolmentRequired).toBe(true);
      expect(decodeJwt(login.accessToken).amr).toEqual(['pwd']);
      const users = await api.request('GET', '/api/v1/users', { token: login.accessToken });
      expect(users.statusCode).toBe(403);
      expect(users.json().code).toBe('AUTH_TOTP_ENROLMENT_REQUIRED');
      const me = await api.request('GET', '/api/v1/me', { token: login.accessToken });
      expect(me.statusCode).toBe(200);
      expect(me.json()).toMatchObject({ totpEnrolmentRequired: true, scope: 'all', rank: 100, actions: ['*'] });
    });

    it('requires the code at login once enrolled, refuses a wrong one, and lifts the restriction with the right one', async () => {
      const other = await createTestTenant(app);
      const credentials = { tenant: other.slug, username: other.admin.username, password: other.admin.password };
      const first = await api.loginOk(credentials);
      const setup = await api.request('POST', '/api/v1/auth/totp/setup', { token: first.accessToken });
      expect(setup.statusCode).toBe(200);
      const { secret, otpauthUri } = setup.json();
      expect(otpauthUri).toContain(`secret=${secret}`);

      const wrongCode = await api.request('POST', '/api/v1/auth/totp/verify', { token: first.accessToken, body: { code: '000000' } });
      expect(wrongCode.statusCode).toBe(422);
      const enrolled = await api.request('POST', '/api/v1/auth/totp/verify', { token: first.accessToken, body: { code: await totpCode(secret) } });
      expect(enrolled.statusCode).toBe(200);
      expect(enrolled.json()).toMatchObject({ totpEnabled: true });
      const [stored] = await dataSource.query<{ totp_secret: string }[]>('SELECT totp_secret FROM permissions.users WHERE id = $1', [
        other.admin.id,
      ]);
      expect(stored?.totp_secret).not.toContain(secret);

      const withoutCode = await api.login(credentials);
      expect(withoutCode.statusCode).toBe(401);
      expect(withoutCode.json().code).toBe('AUTH_TOTP_REQUIRED');
      const withWrongCode = await api.login({ ...credentials, totp: '000000' });
      expect(withWrongCode.statusCode).toBe(401);
      expect(withWrongCode.json().code).toBe('AUTH_TOTP_INVALID');

      const nextCode = await totpCode(secret, 1);
      const full = await api.login({ ...credentials, totp: nextCode });
      expect(full.statusCode).toBe(200);
      expect(full.json().totpEnrolmentRequired).toBe(false);
      expect(decodeJwt(full.json().accessToken).amr).toEqual(['pwd', 'otp']);
      expect((await api.request('GET', '/api/v1/users', { token: full.json().accessToken })).statusCode).toBe(200);
      // A code is accepted once: replaying it fails.
      const replay = await api.login({ ...credentials, totp: nextCode });
      expect(replay.statusCode).toBe(401);
      expect(replay.json().code).toBe('AUTH_TOTP_INVALID');
    });

    it('lets an admin reset a lost second factor: sessions end and the user enrols again', async () => {
      const username = `admin2-${uuidv7().slice(-12)}`;
      const password = `pw-${uuidv7()}`;
      const id = await api.createUser(adminToken, { username, password, orgUnitId: tenant.rootOrgUnitId, roles: ['admin'] });
      const restricted = await api.loginOk({ tenant: tenant.slug, username, password });
      const { secret } = (await api.request('POST', '/api/v1/auth/totp/setup', { token: restricted.accessToken })).json();
      await api.request('POST', '/api/v1/auth/totp/verify', { token: restricted.accessToken, body: { code: await totpCode(secret) } });
      const enrolled = await api.loginOk({ tenant: tenant.slug, username, password, totp: await totpCode(secret, 1) });

      const reset = await api.request('PATCH', `/api/v1/users/${id}`, { token: adminToken, body: { totpEnabled: false } });

      expect(reset.statusCode).toBe(200);
      expect(reset.json().totpEnabled).toBe(false);
      expect(await meStatus(enrolled.accessToken)).toBe(401);
      const again = await api.loginOk({ tenant: tenant.slug, username, password });
      expect(again.totpEnrolmentRequired).toBe(true);
      const enable = await api.request('PATCH', `/api/v1/users/${id}`, { token: adminToken, body: { totpEnabled: true } });
      expect(enable.statusCode).toBe(400);
    });
  });

  describe('refresh tokens', () => {
    it('rotates on every use; reusing a spent token revokes the whole session', async () => {
      const rep = await newRep();
      const login = await api.loginOk({ tenant: tenant.slug, username: rep.username, password: rep.password });

      const first = await api.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: login.refreshToken } });
      expect(first.statusCode).toBe(200);
      const rotated = first.json();
      expect(rotated.refreshToken).not.toBe(login.refreshToken);
      expect(decodeJwt(rotated.accessToken).sid).toBe(decodeJwt(login.accessToken).sid);
      expect(await meStatus(rotated.accessToken)).toBe(200);

      const reuse = await api.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: login.refreshToken } });
      expect(reuse.statusCode).toBe(401);
      expect(reuse.json().code).toBe('AUTH_REFRESH_TOKEN_REUSED');
      // The legitimate holder's newer token and access tokens die with the session.
      const afterReuse = await api.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: rotated.refreshToken } });
      expect(afterReuse.statusCode).toBe(401);
      expect(afterReuse.json().code).toBe('AUTH_REFRESH_TOKEN_INVALID');
      const me = await api.request('GET', '/api/v1/me', { token: rotated.accessToken });
      expect(me.statusCode).toBe(401);
      expect(me.json().code).toBe('AUTH_SESSION_REVOKED');
      expect(me.headers['www-authenticate']).toBe('Bearer realm="fieldforce", error="invalid_token"');
      // Other sessions of the same user go on.
      const elsewhere = await api.loginOk({ tenant: tenant.slug, username: rep.username, password: rep.password });
      expect(await meStatus(elsewhere.accessToken)).toBe(200);
    });

    it('stores refresh tokens hashed, never as issued', async () => {
      const rep = await newRep();
      const login = await api.loginOk({ tenant: tenant.slug, username: rep.username, password: rep.password });
      const rows = await dataSource.query<{ token_hash: Buffer }[]>(
        `SELECT token.token_hash FROM permissions.refresh_tokens token
         JOIN permissions.sessions session ON session.id = token.session_id WHERE session.user_id = $1`,
        [rep.id],
      );
      expect(rows).toHaveLength(1);
      expect(rows[0]!.token_hash.toString('base64url')).not.toBe(login.refreshToken);
      expect(rows[0]!.token_hash).toHaveLength(32);
    });

    it('ends the session at logout: its refresh and access tokens stop working', async () => {
      const rep = await newRep();
      const login = await api.loginOk({ tenant: tenant.slug, username: rep.username, password: rep.password });

      const logout = await api.request('POST', '/api/v1/auth/logout', { body: { refreshToken: login.refreshToken } });
      expect(logout.statusCode).toBe(204);
      const refresh = await api.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: login.refreshToken } });
      expect(refresh.statusCode).toBe(401);
      expect(await meStatus(login.accessToken)).toBe(401);
      // Logging out an unknown token answers the same.
      expect((await api.request('POST', '/api/v1/auth/logout', { body: { refreshToken: 'x'.repeat(43) } })).statusCode).toBe(204);
    });

    it('lets an admin end every session of a user at once', async () => {
      const rep = await newRep();
      const phone = await api.loginOk({ tenant: tenant.slug, username: rep.username, password: rep.password });
      const tablet = await api.loginOk({ tenant: tenant.slug, username: rep.username, password: rep.password });

      const revoke = await api.request('POST', `/api/v1/users/${rep.id}/revoke-sessions`, { token: adminToken });
      expect(revoke.statusCode).toBe(200);
      expect(revoke.json()).toEqual({ revokedSessions: 2 });
      for (const session of [phone, tablet]) {
        expect((await api.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: session.refreshToken } })).statusCode).toBe(401);
        expect(await meStatus(session.accessToken)).toBe(401);
      }
      const repToken = (await api.loginOk({ tenant: tenant.slug, username: rep.username, password: rep.password })).accessToken;
      const byRep = await api.request('POST', `/api/v1/users/${rep.id}/revoke-sessions`, { token: repToken });
      expect(byRep.statusCode).toBe(403);
    });

    it('refuses a refresh for a user deactivated since the login', async () => {
      const rep = await newRep();
      const login = await api.loginOk({ tenant: tenant.slug, username: rep.username, password: rep.password });
      await api.request('PATCH', `/api/v1/users/${rep.id}`, { token: adminToken, body: { active: false } });

      const refresh = await api.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: login.refreshToken } });
      expect(refresh.statusCode).toBe(401);
      expect(await meStatus(login.accessToken)).toBe(401);
    });
  });

  describe('access tokens', () => {
    async function repClaims(): Promise<{ token: string; claims: Record<string, unknown> }> {
      const rep = await newRep();
      const login = await api.loginOk({ tenant: tenant.slug, username: rep.username, password: rep.password });
      return { token: login.accessToken, claims: decodeJwt(login.accessToken) };
    }

    it('rejects an expired token with AUTH_TOKEN_EXPIRED', async () => {
      const { claims } = await repClaims();
      const past = Math.floor(Date.now() / 1000) - 3600;
      const expired = await app.get(SigningKeysService).sign({ ...claims, iat: past - 900, exp: past });

      const response = await api.request('GET', '/api/v1/me', { token: expired });
      expect(response.statusCode).toBe(401);
      expect(response.json().code).toBe('AUTH_TOKEN_EXPIRED');
    });

    it('rejects a token whose payload was altered, one signed by another key, and one without signature', async () => {
      const { token, claims } = await repClaims();
      const [header, , signature] = token.split('.');
      const widened = Buffer.from(JSON.stringify({ ...claims, scope: 'all', rank: 100 })).toString('base64url');
      const foreignKey = createPrivateKey(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
      const forged = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', kid: decodeProtectedHeader(token).kid!, typ: 'JWT' })
        .sign(foreignKey);
      const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${widened}.`;

      for (const bad of [`${header}.${widened}.${signature}`, forged, unsigned, 'not-a-jwt']) {
        const response = await api.request('GET', '/api/v1/me', { token: bad });
        expect(response.statusCode).toBe(401);
        expect(response.json().code).toBe('AUTH_TOKEN_INVALID');
      }
      expect((await api.request('GET', '/api/v1/me')).json().code).toBe('AUTH_TOKEN_MISSING');
    });
  });

  describe(SigningKeysService.name, () => {
    it('rotates keys, keeps the old public key until its tokens expired, then drops it', async () => {
      const keys = app.get(SigningKeysService);
      const rep = await newRep();
      const before = await api.loginOk({ tenant: tenant.slug, username: rep.username, password: rep.password });
      const oldKid = decodeProtectedHeader(before.accessToken).kid;

      // The signing key has been in use for longer than the rotation interval.
      await dataSource.query(`UPDATE permissions.signing_keys SET created_at = created_at - interval '25 hours' WHERE retired_at IS NULL`);
      await keys.maintain();
      const after = await api.loginOk({ tenant: tenant.slug, username: rep.username, password: rep.password });
      const newKid = decodeProtectedHeader(after.accessToken).kid;

      expect(newKid).not.toBe(oldKid);
      const published = (await api.request('GET', '/.well-known/jwks.json')).json().keys.map((key: { kid: string }) => key.kid);
      expect(published).toEqual(expect.arrayContaining([oldKid, newKid]));
      expect(await meStatus(before.accessToken)).toBe(200);
      const jwks = createLocalJWKSet((await api.request('GET', '/.well-known/jwks.json')).json());
      await expect(jwtVerify(before.accessToken, jwks)).resolves.toBeDefined();

      // Every token of the old key has expired: it leaves the key set and verifies nothing more.
      await dataSource.query(`UPDATE permissions.signing_keys SET published_until = now() - interval '1 second' WHERE kid = $1`, [oldKid]);
      await keys.maintain();
      const remaining = (await api.request('GET', '/.well-known/jwks.json')).json().keys.map((key: { kid: string }) => key.kid);
      expect(remaining).toContain(newKid);
      expect(remaining).not.toContain(oldKid);
      expect(await meStatus(before.accessToken)).toBe(401);
      expect(await meStatus(after.accessToken)).toBe(200);
    });

    it('serves the JWKS publicly, cacheable, with public keys only', async () => {
      const response = await api.request('GET', '/.well-known/jwks.json');
      expect(response.statusCode).toBe(200);
      expect(response.headers['cache-control']).toMatch(/public, max-age=\d+/);
      for (const key of response.json().keys) {
        expect(key).toEqual({ kty: 'EC', crv: 'P-256', x: expect.any(String), y: expect.any(String), kid: expect.any(String), alg: 'ES256', use: 'sig' });
      }
      const [stored] = await dataSource.query<{ private_key: string }[]>('SELECT private_key FROM permissions.signing_keys LIMIT 1');
      expect(stored?.private_key).toMatch(/^v1\./);
      expect(stored?.private_key).not.toContain('PRIVATE KEY');
    });
  });
});
