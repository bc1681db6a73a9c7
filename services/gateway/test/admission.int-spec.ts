import { randomUUID } from 'node:crypto';
import net, { type AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import Redis from 'ioredis';
import { type InjectOptions } from 'light-my-request';
import { TestJwks, signTestToken, testRedis } from '@fieldforce/testing';
import { Admission } from '../src/modules/admission/admission';
import { type Echo, EchoUpstream } from './support/echo-upstream';
import { createGatewayApp, newClientIp } from './support/gateway-app';
import { counterTotal, sendChunked, sendWholeThenRead } from './support/http-client';
import { TcpRelay } from './support/tcp-relay';

const KIB = 1024;
const LIMITS = {
  RATE_LIMIT_USER_PER_MINUTE: '5',
  RATE_LIMIT_IP_PER_MINUTE: '12',
  RATE_LIMIT_LOGIN_PER_MINUTE: '3',
  GATEWAY_JSON_BODY_LIMIT_BYTES: String(64 * KIB),
  GATEWAY_UPLOAD_BODY_LIMIT_BYTES: String(4096 * KIB),
};

function upstreamsAt(url: string): Record<string, string> {
  return Object.fromEntries(['PERMISSIONS', 'CUSTOMERS', 'VISITS', 'CHECKINS', 'SYNC'].map((service) => [`UPSTREAM_${service}_URL`, url]));
}

describe(Admission.name, () => {
  let app: NestFastifyApplication;
  let upstream: EchoUpstream;
  let gatewayUrl: string;

  // Each request comes from its own client address unless the test names one, and carries a request id to look for upstream.
  const send = (options: InjectOptions & { remoteAddress?: string }) =>
    app.inject({ remoteAddress: newClientIp(), ...options, headers: { 'x-request-id': randomUUID(), ...options.headers } });
  const bearer = async (claims: Parameters<typeof signTestToken>[0] = {}) => `Bearer ${await signTestToken({ roles: ['rep'], ...claims })}`;

  beforeAll(async () => {
    upstream = await EchoUpstream.start();
    app = await createGatewayApp({ ...upstreamsAt(upstream.url), ...LIMITS });
    await app.listen({ port: 0, host: '127.0.0.1' });
    gatewayUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await app?.close();
    await upstream?.stop();
  });

  describe('access tokens', () => {
    it('answers 401 with a Bearer challenge to a request without a token, without calling the upstream', async () => {
      const requestId = randomUUID();
      const response = await send({ method: 'GET', url: '/api/v1/customers', headers: { 'x-request-id': requestId } });

      expect(response.statusCode).toBe(401);
      expect(response.headers['www-authenticate']).toMatch(/^Bearer /);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.json()).toMatchObject({ status: 401, code: 'AUTH_TOKEN_MISSING', instance: '/api/v1/customers', requestId });
      expect(upstream.reached(requestId)).toBe(false);
    });

    it.each([
      ['signed by a key the JWKS does not publish', () => signTestToken({}, { unpublishedKey: true }), 'AUTH_TOKEN_INVALID'],
      ['expired', () => signTestToken({}, { expiresInSeconds: -120 }), 'AUTH_TOKEN_EXPIRED'],
      ['for another audience', () => signTestToken({ aud: 'someone-else' }), 'AUTH_TOKEN_INVALID'],
      ['not a JWT at all', () => Promise.resolve('not-a-jwt'), 'AUTH_TOKEN_INVALID'],
    ])('answers 401 to a token %s, without calling the upstream', async (_case, token, code) => {
      const requestId = randomUUID();
      const response = await send({
        method: 'POST',
        url: '/api/v1/customers',
        headers: { authorization: `Bearer ${await token()}`, 'x-request-id': requestId, 'content-type': 'application/json' },
        payload: { name: 'Kiosk' },
      });

      expect(response.statusCode).toBe(401);
      expect(response.headers['www-authenticate']).toMatch(/^Bearer realm="fieldforce", error="invalid_token"/);
      expect(response.json()).toMatchObject({ code });
      expect(upstream.reached(requestId)).toBe(false);
    });

    it('passes a request with a valid token on to the upstream with its Authorization header unchanged', async () => {
      const authorization = await bearer();
      const response = await send({ method: 'GET', url: '/api/v1/visit-tasks', headers: { authorization } });

      expect(response.statusCode).toBe(200);
      expect(response.json<Echo>().headers.authorization).toBe(authorization);
    });

    it.each([
      ['POST', '/api/v1/auth/login'],
      ['POST', '/api/v1/auth/refresh'],
      ['POST', '/api/v1/auth/logout'],
      ['GET', '/.well-known/jwks.json'],
    ] as const)('lets %s %s through without a token', async (method, url) => {
      const response = await send({ method, url, ...(method === 'POST' ? { payload: { refreshToken: 'x' } } : {}) });

      expect(response.statusCode).toBe(200);
      expect(response.json<Echo>().url).toBe(url);
    });

    it.each([
      ['GET', '/api/v1/auth/login'],
      ['POST', '/api/v1/auth/totp/setup'],
      ['POST', '/api/v1/auth/login/../../users'],
      ['GET', '/.well-known/jwks.json/../../api/v1/users'],
      ['GET', '/api/v1/me'],
    ] as const)('needs a token for %s %s, next to the public routes', async (method, url) => {
      const response = await send({ method, url });

      expect(response.statusCode).toBe(401);
    });
  });

  describe('remembered tokens', () => {
    let jwks: TestJwks;
    let gateway: NestFastifyApplication;

    // Keys refreshed once a second old, so the withdrawal of a key takes effect within the test.
    beforeAll(async () => {
      jwks = await TestJwks.start();
      gateway = await createGatewayApp({ ...upstreamsAt(upstream.url), ...LIMITS, ...jwks.env(), AUTH_JWKS_MAX_AGE_MS: '1000', AUTH_CLOCK_TOLERANCE_SECONDS: '0' });
    });

    afterAll(async () => {
      await gateway?.close();
      await jwks?.stop();
    });

    const call = (authorization: string) =>
      gateway.inject({ method: 'GET', url: '/api/v1/customers', remoteAddress: newClientIp(), headers: { authorization } });

    it('answers 401 to a token it let through before, once the token has expired', async () => {
      const authorization = `Bearer ${await jwks.sign({ roles: ['rep'] }, { expiresInSeconds: 2 })}`;
      const { exp } = JSON.parse(Buffer.from(authorization.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp: number };

      const admitted = await call(authorization);
      await sleep(Math.max(0, exp * 1000 - Date.now()) + 50);
      const refused = await call(authorization);

      expect(admitted.statusCode).toBe(200);
      expect(refused.statusCode).toBe(401);
      expect(refused.json()).toMatchObject({ code: 'AUTH_TOKEN_EXPIRED' });
    });

    it('answers 401 to a token it let through before, once the issuer withdrew its key and the keys were refreshed', async () => {
      const withdrawnKid = jwks.currentKid;
      const authorization = `Bearer ${await jwks.sign({ roles: ['rep'] })}`;
      await jwks.rotate();
      const admitted = await call(authorization);

      jwks.retire(withdrawnKid);
      await sleep(1_100);
      const refused = await call(authorization);

      expect(admitted.statusCode).toBe(200);
      expect(refused.statusCode).toBe(401);
      expect(refused.json()).toMatchObject({ code: 'AUTH_TOKEN_INVALID', detail: expect.stringMatching(/unknown key/) });
    });
  });

  describe('rate limits', () => {
    it('answers 429 with Retry-After once a user used up their requests, and only to that user', async () => {
      const tenantId = randomUUID();
      const userId = randomUUID();
      const authorization = await bearer({ tid: tenantId, sub: userId });
      const clientIp = newClientIp();

      const admitted = [];
      for (let attempt = 0; attempt < 5; attempt += 1) {
        admitted.push(await send({ method: 'GET', url: '/api/v1/customers', remoteAddress: clientIp, headers: { authorization } }));
      }
      const requestId = randomUUID();
      const refused = await send({ method: 'GET', url: '/api/v1/customers', remoteAddress: clientIp, headers: { authorization, 'x-request-id': requestId } });
      const sameUserIdOtherTenant = await send({
        method: 'GET',
        url: '/api/v1/customers',
        remoteAddress: clientIp,
        headers: { authorization: await bearer({ tid: randomUUID(), sub: userId }) },
      });

      expect(admitted.map((response) => response.statusCode)).toEqual([200, 200, 200, 200, 200]);
      expect(admitted.map((response) => response.headers['ratelimit-remaining'])).toEqual(['4', '3', '2', '1', '0']);
      expect(admitted[0]?.headers['ratelimit-limit']).toBe('5');
      expect(refused.statusCode).toBe(429);
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(120);
      expect(refused.headers['ratelimit-remaining']).toBe('0');
      expect(refused.json()).toMatchObject({ status: 429, code: 'RATE_LIMITED', details: { limit: 'user' } });
      expect(upstream.reached(requestId)).toBe(false);
      expect(sameUserIdOtherTenant.statusCode).toBe(200);
    });

    it('counts the requests it admitted without asking Redis, at the latest when it stops', async () => {
      const keyPrefix = `${testRedis().keyPrefix}gateway:${randomUUID()}:`;
      const roomy = await createGatewayApp({ ...upstreamsAt(upstream.url), ...LIMITS, RATE_LIMIT_USER_PER_MINUTE: '1000', RATE_LIMIT_IP_PER_MINUTE: '1000', REDIS_KEY_PREFIX: keyPrefix });
      const tenantId = randomUUID();
      const userId = randomUUID();
      const authorization = await bearer({ tid: tenantId, sub: userId });
      const clientIp = newClientIp();
      const windows = new Set([Math.floor(Date.now() / 60_000)]);
      const remaining = [];
      try {
        for (let attempt = 0; attempt < 8; attempt += 1) {
          const response = await roomy.inject({ method: 'GET', url: '/api/v1/customers', remoteAddress: clientIp, headers: { authorization } });
          remaining.push(response.headers['ratelimit-remaining']);
        }
      } finally {
        await roomy.close();
      }
      windows.add(Math.floor(Date.now() / 60_000));
      const redis = new Redis(testRedis().url, { keyPrefix });
      const counted = async (key: string): Promise<number> => {
        let total = 0;
        for (const window of windows) total += Number((await redis.get(`ratelimit:${key}:${window}`)) ?? 0);
        return total;
      };
      try {
        expect(remaining).toEqual(['999', '998', '997', '996', '995', '994', '993', '992']);
        expect(await counted(`user:${tenantId}:${userId}`)).toBe(8);
        expect(await counted(`ip:${clientIp}`)).toBe(8);
      } finally {
        redis.disconnect();
      }
    });

    it('admits exactly the limit of a burst arriving all at once and answers 429 to the rest', async () => {
      const authorization = await bearer();
      const clientIp = newClientIp();

      const burst = await Promise.all(
        Array.from({ length: 8 }, () => send({ method: 'GET', url: '/api/v1/customers', remoteAddress: clientIp, headers: { authorization } })),
      );

      const statuses = burst.map((response) => response.statusCode).sort();
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
      const remaining = burst.filter((response) => response.statusCode === 200).map((response) => response.headers['ratelimit-remaining']);
      expect(remaining.sort()).toEqual(['0', '1', '2', '3', '4']);
      expect(burst.find((response) => response.statusCode === 429)?.headers['retry-after']).toBeDefined();
    });

    it('answers 429 once one IP address used up its requests, whichever users send them', async () => {
      const clientIp = newClientIp();
      const statuses = [];
      for (let attempt = 0; attempt < 12; attempt += 1) {
        const response = await send({ method: 'GET', url: '/api/v1/customers', remoteAddress: clientIp, headers: { authorization: await bearer() } });
        statuses.push(response.statusCode);
      }
      const refused = await send({ method: 'GET', url: '/api/v1/customers', remoteAddress: clientIp, headers: { authorization: await bearer() } });
      const otherIp = await send({ method: 'GET', url: '/api/v1/customers', headers: { authorization: await bearer() } });

      expect(statuses).toEqual(Array(12).fill(200));
      expect(refused.statusCode).toBe(429);
      expect(refused.json()).toMatchObject({ details: { limit: 'ip' } });
      expect(otherIp.statusCode).toBe(200);
    });

    it('counts requests with a bad token against their IP address', async () => {
      const clientIp = newClientIp();
      const statuses = [];
      for (let attempt = 0; attempt < 13; attempt += 1) {
        const response = await send({ method: 'GET', url: '/api/v1/customers', remoteAddress: clientIp, headers: { authorization: 'Bearer forged' } });
        statuses.push(response.statusCode);
      }

      expect(statuses).toEqual([...Array(12).fill(401), 429]);
    });

    it('limits logins per IP address more strictly than other requests', async () => {
      const clientIp = newClientIp();
      const login = () => send({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: clientIp, payload: { username: 'admin', password: 'guess' } });
      const statuses = [];
      for (let attempt = 0; attempt < 4; attempt += 1) statuses.push((await login()).statusCode);
      const refusedLogin = await login();
      const refresh = await send({ method: 'POST', url: '/api/v1/auth/refresh', remoteAddress: clientIp, payload: { refreshToken: 'x' } });

      expect(statuses).toEqual([200, 200, 200, 429]);
      expect(refusedLogin.json()).toMatchObject({ details: { limit: 'login' } });
      expect(refresh.statusCode).toBe(200);
    });
  });

  describe('body size limits', () => {
    it('answers 413 to a body whose content-length exceeds the API limit, without calling the upstream', async () => {
      const requestId = randomUUID();
      const response = await send({
        method: 'POST',
        url: '/api/v1/customers/import',
        headers: { authorization: await bearer(), 'content-type': 'application/json', 'x-request-id': requestId },
        payload: Buffer.alloc(64 * KIB + 1, 0x20),
      });

      expect(response.statusCode).toBe(413);
      expect(response.json()).toMatchObject({ status: 413, code: 'BODY_TOO_LARGE', details: { limitBytes: 64 * KIB } });
      expect(upstream.reached(requestId)).toBe(false);
    });

    it('answers 413 to a client that sent its whole body before reading, instead of resetting the connection under it', async () => {
      // Closing a socket with unread bytes resets it, and a reset discards the answer the client had not read yet.
      const answer = await sendWholeThenRead(
        `${gatewayUrl}/api/v1/customers`,
        { authorization: await bearer(), 'content-type': 'application/json' },
        'POST',
        Buffer.alloc(4096 * KIB, 0x20),
        300,
      );

      expect(answer).toMatch(/^HTTP\/1\.1 413 /);
      expect(answer).toContain('"code":"BODY_TOO_LARGE"');
    });

    it('closes the connection after its 413 when the announced body is more than it would read and drop', async () => {
      const { hostname, port } = new URL(gatewayUrl);
      const socket = net.connect({ host: hostname, port: Number(port) });
      socket.write(`POST /api/v1/customers HTTP/1.1\r\nhost: ${hostname}\r\nauthorization: ${await bearer()}\r\ncontent-length: ${2 ** 30}\r\n\r\n`);
      socket.write(Buffer.alloc(64 * KIB, 0x20));
      let answer = '';
      socket.on('data', (chunk: Buffer) => (answer += chunk.toString('utf8')));
      await new Promise((resolve) => socket.once('close', resolve));

      expect(answer).toMatch(/^HTTP\/1\.1 413 /);
      expect(answer.toLowerCase()).toContain('connection: close');
    });

    it('answers 413 to a chunked body that grows past the API limit, and the upstream never gets it whole', async () => {
      const requestId = randomUUID();
      const response = await sendChunked(`${gatewayUrl}/api/v1/trajectories`, {
        method: 'POST',
        headers: { authorization: await bearer(), 'content-type': 'application/json', 'x-request-id': requestId },
        chunks: Array.from({ length: 6 }, () => Buffer.alloc(16 * KIB, 0x20)),
      });

      expect(response.status).toBe(413);
      expect(JSON.parse(response.body)).toMatchObject({ code: 'BODY_TOO_LARGE', details: { limitBytes: 64 * KIB } });
      expect(upstream.completed).not.toContain(requestId);
    });

    it('streams an upload larger than the API limit to the upstream while the client is still sending', async () => {
      const requestId = randomUUID();
      const chunks = Array.from({ length: 48 }, (_chunk, index) => Buffer.alloc(64 * KIB, index));
      const response = await sendChunked(`${gatewayUrl}/api/v1/uploads/0190d6a4-5c3e-7b1a-8f00-3c1d2e4f5a6b`, {
        method: 'PATCH',
        headers: { authorization: await bearer(), 'content-type': 'application/offset+octet-stream', 'x-request-id': requestId },
        chunks,
        // Until the upstream has the first bytes, the rest is held back: a gateway that buffered would never get there.
        beforeRest: () => upstream.bodyStarted(requestId),
      });

      expect(response.status).toBe(200);
      expect(JSON.parse(response.body)).toMatchObject({ bodyBytes: 48 * 64 * KIB });
    });

    it('answers 413 to an upload beyond the upload limit', async () => {
      const response = await sendChunked(`${gatewayUrl}/api/v1/uploads/0190d6a4-5c3e-7b1a-8f00-3c1d2e4f5a6b`, {
        method: 'PATCH',
        headers: { authorization: await bearer(), 'content-type': 'application/offset+octet-stream' },
        chunks: Array.from({ length: 65 }, () => Buffer.alloc(64 * KIB, 1)),
      });

      expect(response.status).toBe(413);
      expect(JSON.parse(response.body)).toMatchObject({ details: { limitBytes: 4096 * KIB } });
    });
  });

  describe('without Redis', () => {
    let relay: TcpRelay;
    let degraded: NestFastifyApplication;

    beforeEach(async () => {
      const redis = new URL(testRedis().url);
      relay = await TcpRelay.start(redis.hostname, Number(redis.port || 6379));
      degraded = await createGatewayApp({ ...upstreamsAt(upstream.url), ...LIMITS, REDIS_URL: `redis://127.0.0.1:${relay.port}` });
    });

    // The relay first: a Redis that swallows everything would hold the app's QUIT forever.
    afterEach(async () => {
      await relay?.close();
      await degraded?.close();
    });

    const metricsOf = async (gateway: NestFastifyApplication) => (await gateway.inject({ method: 'GET', url: '/metrics' })).body;
    const burst = async (gateway: NestFastifyApplication, authorization: string, count: number) => {
      const statuses = [];
      for (let attempt = 0; attempt < count; attempt += 1) {
        statuses.push((await gateway.inject({ method: 'GET', url: '/api/v1/customers', headers: { authorization } })).statusCode);
      }
      return statuses;
    };

    it('keeps admitting requests, unlimited and counted in a metric, while Redis is down', async () => {
      const authorization = await bearer();
      const enforced = await degraded.inject({ method: 'GET', url: '/api/v1/customers', headers: { authorization } });
      const failOpenBefore = counterTotal(await metricsOf(degraded), 'gateway_rate_limit_fail_open_total');

      await relay.close();
      const statuses = await burst(degraded, authorization, 8);
      const ready = await degraded.inject({ method: 'GET', url: '/health/ready' });

      expect(enforced.headers['ratelimit-limit']).toBe('5');
      expect(statuses).toEqual(Array(8).fill(200));
      expect(counterTotal(await metricsOf(degraded), 'gateway_rate_limit_fail_open_total')).toBe(failOpenBefore + 8);
      expect(ready.statusCode).toBe(200);
      expect(ready.json().details.rateLimits).toMatchObject({ status: 'up', enforced: false });
    });

    it('keeps admitting requests while Redis accepts connections but stops answering', async () => {
      const authorization = await bearer();
      const enforced = await degraded.inject({ method: 'GET', url: '/api/v1/customers', headers: { authorization } });
      const metricsBefore = await metricsOf(degraded);
      const failOpenBefore = counterTotal(metricsBefore, 'gateway_rate_limit_fail_open_total');
      const timeoutsBefore = counterTotal(metricsBefore, 'gateway_rate_limit_fail_open_total', { reason: 'timeout' });

      relay.blackhole();
      const statuses = await burst(degraded, authorization, 6);

      expect(enforced.headers['ratelimit-limit']).toBe('5');
      expect(statuses).toEqual(Array(6).fill(200));
      const metrics = await metricsOf(degraded);
      expect(counterTotal(metrics, 'gateway_rate_limit_fail_open_total')).toBe(failOpenBefore + 6);
      // The first request waits for Redis in vain; those right after it do not ask again.
      expect(counterTotal(metrics, 'gateway_rate_limit_fail_open_total', { reason: 'timeout' })).toBeGreaterThanOrEqual(timeoutsBefore + 1);
      expect(counterTotal(metrics, 'gateway_rate_limit_fail_open_total', { reason: 'backoff' })).toBeGreaterThanOrEqual(1);
    });
  });
});
