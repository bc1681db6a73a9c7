import { createHash } from 'node:crypto';
import http from 'node:http';
import { type AddressInfo } from 'node:net';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { createServiceApp, loadConfig } from '@fieldforce/platform';
import { type TestJwks, testJwks } from '@fieldforce/testing';
import { AppModule } from '../src/app.module';
import { GatewayEnv, toGatewayConfig } from '../src/config/gateway.config';

interface Echo {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  bodyBytes: number;
  bodySha256: string;
}

/** An upstream that answers every request with what it received (streaming the body through a hash). */
function startEchoUpstream(): Promise<http.Server> {
  const server = http.createServer((request, response) => {
    const hash = createHash('sha256');
    let bodyBytes = 0;
    request.on('data', (chunk: Buffer) => {
      bodyBytes += chunk.length;
      hash.update(chunk);
    });
    request.on('end', () => {
      const echo: Echo = { method: request.method ?? '', url: request.url ?? '', headers: request.headers, bodyBytes, bodySha256: hash.digest('hex') };
      response.writeHead(200, { 'content-type': 'application/json', 'x-upstream': 'echo' }).end(JSON.stringify(echo));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** A port nothing listens on: bound once, then released. */
async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('gateway routing', () => {
  let app: NestFastifyApplication;
  let upstream: http.Server;
  let jwks: TestJwks;
  let authorization: string;
  const requestsSeen = () => upstreamRequests;
  let upstreamRequests = 0;

  beforeAll(async () => {
    jwks = await testJwks();
    authorization = `Bearer ${await jwks.sign({ roles: ['rep'] })}`;
    upstream = await startEchoUpstream();
    upstream.on('request', () => (upstreamRequests += 1));
    const upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    const down = `http://127.0.0.1:${await closedPort()}`;
    const config = loadConfig(GatewayEnv, toGatewayConfig, {
      UPSTREAM_CUSTOMERS_URL: upstreamUrl,
      UPSTREAM_PERMISSIONS_URL: upstreamUrl,
      UPSTREAM_VISITS_URL: down,
      UPSTREAM_CHECKINS_URL: down,
      UPSTREAM_SYNC_URL: upstreamUrl,
      ...jwks.env(),
      HTTP_BODY_LIMIT_BYTES: '1048576',
      LOG_LEVEL: 'silent',
      NODE_ENV: 'test',
    });
    app = await createServiceApp(AppModule, config, { openApi: { title: 'gateway', version: 'test' } });
  });

  afterAll(async () => {
    await app?.close();
    await new Promise((resolve) => upstream?.close(resolve));
  });

  it('forwards a request to the owning service with path, query, method, body and a request id', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/customers?dryRun=true',
      headers: { authorization, 'content-type': 'application/json' },
      payload: { name: 'Corner Pharmacy' },
    });

    expect(response.statusCode).toBe(200);
    expect(response.headers['x-upstream']).toBe('echo');
    const echo = response.json<Echo>();
    expect(echo).toMatchObject({ method: 'POST', url: '/api/v1/customers?dryRun=true' });
    expect(echo.headers.authorization).toBe(authorization);
    expect(echo.headers['x-request-id']).toEqual(expect.any(String));
    expect(response.headers['x-request-id']).toBe(echo.headers['x-request-id']);
    expect(echo.bodyBytes).toBe(JSON.stringify({ name: 'Corner Pharmacy' }).length);
  });

  it('refuses a request without a valid token with 401 problem+json, before the upstream sees it', async () => {
    const before = requestsSeen();
    const missing = await app.inject({ method: 'GET', url: '/api/v1/customers' });
    const tampered = await app.inject({
      method: 'GET',
      url: '/api/v1/customers',
      headers: { authorization: authorization.slice(0, -4) + 'AAAA' },
    });
    const expired = await app.inject({
      method: 'GET',
      url: '/api/v1/customers',
      headers: { authorization: `Bearer ${await jwks.sign({}, { expiresInSeconds: -120 })}` },
    });

    for (const response of [missing, tampered, expired]) {
      expect(response.statusCode).toBe(401);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
    }
    expect(expired.json().code).toBe('AUTH_TOKEN_EXPIRED');
    expect(requestsSeen()).toBe(before);
  });

  it('forwards signing in, refreshing and the public keys without a token', async () => {
    const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'a' } });
    const refresh = await app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken: 'x' } });
    const keys = await app.inject({ method: 'GET', url: '/.well-known/jwks.json' });
    const me = await app.inject({ method: 'GET', url: '/api/v1/me' });

    expect([login.statusCode, refresh.statusCode, keys.statusCode]).toEqual([200, 200, 200]);
    expect(me.statusCode).toBe(401);
  });

  it('keeps a well-formed incoming request id', async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/api/v1/customers/123',
      headers: { authorization, 'x-request-id': 'mobile-42' },
    });

    expect(response.json<Echo>().headers['x-request-id']).toBe('mobile-42');
    expect(response.headers['x-request-id']).toBe('mobile-42');
  });

  it('streams a large binary upload through unchanged', async () => {
    const payload = Buffer.alloc(512 * 1024, 7);
    const response = await app.inject({
      method: 'PATCH',
      url: '/api/v1/uploads/abc',
      headers: { authorization, 'content-type': 'application/offset+octet-stream' },
      payload,
    });

    expect(response.statusCode).toBe(200);
    expect(response.json<Echo>()).toMatchObject({
      bodyBytes: payload.length,
      bodySha256: createHash('sha256').update(payload).digest('hex'),
    });
  });

  it('answers 503 problem+json for the routes of an unreachable upstream only', async () => {
    const down = await app.inject({ method: 'GET', url: '/api/v1/visit-tasks', headers: { authorization } });
    const up = await app.inject({ method: 'GET', url: '/api/v1/customers', headers: { authorization } });

    expect(down.statusCode).toBe(503);
    expect(down.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(down.headers['retry-after']).toBe('5');
    expect(down.json()).toMatchObject({ status: 503, code: 'UPSTREAM_UNAVAILABLE', service: 'visits' });
    expect(up.statusCode).toBe(200);
  });

  it('stays ready while an upstream is down, reporting each upstream', async () => {
    const response = await app.inject({ method: 'GET', url: '/health/ready' });

    expect(response.statusCode).toBe(200);
    expect(response.json().details.upstreams).toMatchObject({
      status: 'up',
      customers: 'up',
      visits: 'down (unreachable)',
      checkins: 'down (unreachable)',
    });
  });

  it('serves the API docs page and its Swagger UI assets', async () => {
    const page = await app.inject({ method: 'GET', url: '/docs' });
    const asset = await app.inject({ method: 'GET', url: '/docs/assets/swagger-ui-bundle.js' });
    const outside = await app.inject({ method: 'GET', url: '/docs/assets/..%2Fpackage.json' });

    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('/docs/openapi.json');
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
    expect(outside.statusCode).toBe(404);
  });

  it('answers 404 problem+json for a path no service owns', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/v1/nothing-here' });

    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});
