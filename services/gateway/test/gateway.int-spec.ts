import { createHash, randomUUID } from 'node:crypto';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { parseTraceparent } from '@fieldforce/observability';
import { eventually, signTestToken } from '@fieldforce/testing';
import { ECHO_CUT_FIRST_HEADER, ECHO_STATUS_HEADER, type Echo, EchoUpstream, closedPort } from './support/echo-upstream';
import { createGatewayApp, newClientIp } from './support/gateway-app';

describe('gateway routing', () => {
  let app: NestFastifyApplication;
  let upstream: EchoUpstream;
  let authorization: string;

  beforeAll(async () => {
    upstream = await EchoUpstream.start();
    const down = `http://127.0.0.1:${await closedPort()}`;
    app = await createGatewayApp({
      UPSTREAM_CUSTOMERS_URL: upstream.url,
      UPSTREAM_PERMISSIONS_URL: upstream.url,
      UPSTREAM_VISITS_URL: down,
      UPSTREAM_CHECKINS_URL: down,
      UPSTREAM_SYNC_URL: upstream.url,
      CORS_ORIGINS: 'https://app.fieldforce.example',
    });
    authorization = `Bearer ${await signTestToken({ roles: ['rep'] })}`;
  });

  afterAll(async () => {
    await app?.close();
    await upstream?.stop();
  });

  it('forwards a request to the owning service with path, query, method, body, Authorization and a request id', async () => {
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

  it('keeps a well-formed incoming request id', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/v1/customers/123', headers: { authorization, 'x-request-id': 'mobile-42' } });

    expect(response.json<Echo>().headers['x-request-id']).toBe('mobile-42');
    expect(response.headers['x-request-id']).toBe('mobile-42');
  });

  it('starts a trace for a request without traceparent and passes it upstream', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/v1/customers', headers: { authorization } });

    const forwarded = parseTraceparent(String(response.json<Echo>().headers.traceparent));
    expect(forwarded).toEqual({ traceId: expect.stringMatching(/^[0-9a-f]{32}$/), parentSpanId: expect.stringMatching(/^[0-9a-f]{16}$/), sampled: true });
  });

  it('continues the client trace, with the gateway span as the upstream parent', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const clientSpanId = '00f067aa0ba902b7';
    const response = await app.inject({
      method: 'GET',
      url: '/api/v1/customers',
      headers: { authorization, traceparent: `00-${traceId}-${clientSpanId}-01` },
    });

    const forwarded = parseTraceparent(String(response.json<Echo>().headers.traceparent));
    expect(forwarded?.traceId).toBe(traceId);
    expect(forwarded?.parentSpanId).not.toBe(clientSpanId);
  });

  it('tells the upstream the client address it saw, not the one the client claims', async () => {
    const clientIp = newClientIp();
    const response = await app.inject({
      method: 'GET',
      url: '/api/v1/customers',
      remoteAddress: clientIp,
      headers: { authorization, 'x-forwarded-for': '203.0.113.9' },
    });

    expect(response.json<Echo>().headers['x-forwarded-for']).toBe(clientIp);
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
    expect(down.json()).toMatchObject({ status: 503, code: 'UPSTREAM_UNAVAILABLE', details: { service: 'visits' } });
    expect(up.statusCode).toBe(200);
  });

  it("passes an upstream's 503 on as it is, without sending the request again", async () => {
    const headers = { authorization, 'x-request-id': randomUUID(), [ECHO_STATUS_HEADER]: '503' };
    const response = await app.inject({ method: 'GET', url: '/api/v1/customers', headers });

    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('1');
    expect(response.json()).toMatchObject({ status: 503, code: 'ECHO_REFUSED' });
    // Retrying an overloaded upstream from the gateway would multiply its load; the client retries.
    expect(upstream.arrivals(headers['x-request-id'])).toBe(1);
  });

  it('sends a GET again, once, when the upstream cut the connection without answering', async () => {
    const headers = { authorization, 'x-request-id': randomUUID(), [ECHO_CUT_FIRST_HEADER]: '1' };
    const response = await app.inject({ method: 'GET', url: '/api/v1/customers', headers });

    expect(response.statusCode).toBe(200);
    expect(response.json<Echo>()).toMatchObject({ method: 'GET', url: '/api/v1/customers' });
    expect(upstream.arrivals(headers['x-request-id'])).toBe(2);
  });

  it('never sends a POST again when the upstream cut the connection: it answers 503', async () => {
    const headers = { authorization, 'x-request-id': randomUUID(), [ECHO_CUT_FIRST_HEADER]: '1', 'content-type': 'application/json' };
    const response = await app.inject({ method: 'POST', url: '/api/v1/customers', headers, payload: { name: 'Kiosk' } });

    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', details: { service: 'customers' } });
    expect(upstream.arrivals(headers['x-request-id'])).toBe(1);
  });

  it("sends the requests of all of a service's prefixes over one pool of connections", async () => {
    const portsByPrefix = new Map<string, Set<number>>();
    for (let round = 0; round < 2; round += 1) {
      for (const prefix of ['/api/v1/customers', '/api/v1/territories', '/api/v1/customer-settings']) {
        const response = await app.inject({ method: 'GET', url: prefix, headers: { authorization } });
        portsByPrefix.set(prefix, (portsByPrefix.get(prefix) ?? new Set()).add(response.json<Echo>().remotePort));
      }
    }

    // A pool per prefix would keep the prefixes' connections apart; here one carried two prefixes.
    const ports = [...portsByPrefix.values()].flatMap((used) => [...used]);
    expect(new Set(ports).size).toBeLessThan(ports.length);
  });

  it('answers a CORS preflight of a proxied route itself, without a token', async () => {
    const before = upstream.arrived.length;
    const response = await app.inject({
      method: 'OPTIONS',
      url: '/api/v1/customers',
      headers: { origin: 'https://app.fieldforce.example', 'access-control-request-method': 'POST' },
    });

    expect(response.statusCode).toBe(204);
    expect(response.headers['access-control-allow-origin']).toBe('https://app.fieldforce.example');
    expect(upstream.arrived).toHaveLength(before);
  });

  it('stays ready while an upstream is down, reporting each upstream and the rate-limit store', async () => {
    const response = await app.inject({ method: 'GET', url: '/health/ready' });

    expect(response.statusCode).toBe(200);
    expect(response.json().details).toMatchObject({
      upstreams: { status: 'up', customers: 'up', visits: 'down (unreachable)', checkins: 'down (unreachable)' },
      rateLimits: { status: 'up', redis: 'up', enforced: true },
    });
  });

  it('serves the API docs page and its Swagger UI assets without a token', async () => {
    const page = await app.inject({ method: 'GET', url: '/docs' });
    const asset = await app.inject({ method: 'GET', url: '/docs/assets/swagger-ui-bundle.js' });
    const outside = await app.inject({ method: 'GET', url: '/docs/assets/..%2Fpackage.json' });

    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('/docs/openapi.json');
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
    expect(outside.statusCode).toBe(404);
  });

  it('never routes an internal endpoint, also when dot segments point at one', async () => {
    const direct = await app.inject({ method: 'POST', url: '/internal/v1/mutations', headers: { authorization, 'x-request-id': 'internal-direct' }, payload: {} });
    expect(direct.statusCode).toBe(404);
    expect(direct.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(upstream.reached('internal-direct')).toBe(false);

    for (const url of ['/api/v1/customers/../../internal/v1/mutations', '/api/v1/customers/%2e%2e/%2e%2e/internal/v1/mutations']) {
      const response = await app.inject({ method: 'POST', url, headers: { authorization }, payload: {} });
      if (response.headers['x-upstream'] === 'echo') expect(response.json<Echo>().url).not.toMatch(/^\/internal/);
      else expect(response.statusCode).toBeGreaterThanOrEqual(400);
    }
  });

  it('closes its upstream connections when it shuts down', async () => {
    const own = await EchoUpstream.start();
    try {
      const gateway = await createGatewayApp({ UPSTREAM_CUSTOMERS_URL: own.url });
      const response = await gateway.inject({ method: 'GET', url: '/api/v1/customers', headers: { authorization } });
      expect(response.statusCode).toBe(200);
      expect(own.openConnections).toBe(1);

      await gateway.close();
      // Well inside the upstream's 5 s keep-alive timeout, which would close it anyway.
      await eventually('the upstream connection was closed', async () => own.openConnections === 0, 2_000);
    } finally {
      await own.stop();
    }
  });

  it('answers 404 problem+json for a path no service owns', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/v1/nothing-here' });

    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});
