import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import { PROBLEM_CONTENT_TYPE, ProblemDetailsFilter, createServiceApp } from '../src';
import { SampleAppModule, sampleConfig, sampleProblemMappings } from './sample-app';

// Fastify appends the charset to JSON it serialises.
const PROBLEM_JSON = new RegExp(`^${PROBLEM_CONTENT_TYPE.replace('+', '\\+')}(; charset=utf-8)?$`);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe(ProblemDetailsFilter.name, () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await createServiceApp(SampleAppModule, sampleConfig(), {
      openApi: { title: 'Sample', version: '1.0.0' },
      problemMappings: sampleProblemMappings,
    });
  });

  afterAll(async () => {
    await app.close();
  });

  it('answers a bad body with 400 problem+json listing every bad field by path', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/customers',
      payload: {
        name: 'A',
        visitsPerMonth: 40,
        contacts: [{ name: 'Ann', email: 'ann@example.com' }, { name: 'Bob', email: 'bob' }],
        unexpected: 1,
      },
    });

    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(PROBLEM_JSON);
    const problem = response.json();
    expect(problem).toMatchObject({
      type: 'urn:fieldforce:problem:validation-failed',
      title: 'Invalid request',
      status: 400,
      code: 'VALIDATION_FAILED',
      instance: '/customers',
    });
    expect(problem.errors).toEqual([
      { field: 'unexpected', message: 'property unexpected should not exist' },
      { field: 'name', message: 'name must be longer than or equal to 2 characters' },
      { field: 'visitsPerMonth', message: 'visitsPerMonth must not be greater than 31' },
      { field: 'contacts.1.email', message: 'email must be an email' },
    ]);
    expect(problem.requestId).toBe(response.headers['x-request-id']);
  });

  it('hands a valid body to the handler as a DTO instance', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/customers',
      payload: { name: 'Acme', visitsPerMonth: 4, contacts: [] },
    });

    expect(response.statusCode).toBe(201);
    expect(response.json()).toEqual({ name: 'Acme', isDto: true });
  });

  it('refuses a nested object given as an array or a string, and validates it when it is one', async () => {
    const body = { name: 'Ann', visitsPerMonth: 2, contacts: [] };
    const post = (primaryContact: unknown) => app.inject({ method: 'POST', url: '/customers', payload: { ...body, primaryContact } });

    const asArray = await post([{ name: 'Ann', email: 'ann@example.com' }]);
    const asString = await post('ann@example.com');
    const invalid = await post({ name: 'Ann', email: 'nope' });
    const valid = await post({ name: 'Ann', email: 'ann@example.com' });

    expect(asArray.statusCode).toBe(400);
    expect(asArray.json().errors).toEqual([expect.objectContaining({ field: 'primaryContact' })]);
    expect(asString.statusCode).toBe(400);
    expect(invalid.json().errors).toEqual([expect.objectContaining({ field: 'primaryContact.email' })]);
    expect(valid.statusCode).toBe(201);
  });

  it('refuses text that is not text (NUL, unpaired surrogates) and hostile nesting in a body, naming the field', async () => {
    const post = (payload: string) => app.inject({ method: 'POST', url: '/customers', payload, headers: { 'content-type': 'application/json' } });

    const nul = await post('{"name":"Ann\\u0000","visitsPerMonth":2,"contacts":[]}');
    const surrogate = await post('{"name":"Ann","visitsPerMonth":2,"contacts":[{"name":"\\ud800","email":"a@b.c"}]}');
    const deep = await post(`{"name":${'['.repeat(500)}${']'.repeat(500)}}`);
    const poisoned = await post('{"name":"Ann","visitsPerMonth":2,"contacts":[],"__proto__":{"admin":true}}');

    for (const response of [nul, surrogate, deep, poisoned]) {
      expect(response.statusCode).toBe(400);
      expect(response.headers['content-type']).toMatch(PROBLEM_JSON);
    }
    expect(nul.json().errors).toEqual([{ field: 'name', message: 'must not contain NUL characters' }]);
    expect(surrogate.json().errors).toEqual([expect.objectContaining({ field: 'contacts.0.name' })]);
    expect(deep.json().errors).toEqual([{ field: expect.stringMatching(/^name(\.0)+$/), message: 'must not nest deeper than 32 levels' }]);
  });

  it('refuses a URL that does not decode to text, and the router\'s own refusals, as problem+json', async () => {
    const badEscape = await app.inject({ method: 'GET', url: '/customers/blocked?q=%C0%AF' });
    const nul = await app.inject({ method: 'GET', url: '/customers/blocked?q=a%00b' });
    const longParameter = await app.inject({ method: 'GET', url: `/customers/${'x'.repeat(5_000)}` });

    expect(badEscape.statusCode).toBe(400);
    expect(badEscape.json()).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'query', message: 'must be percent-encoded UTF-8' }] });
    expect(nul.json()).toMatchObject({ status: 400, errors: [{ field: 'query', message: 'must not contain NUL characters' }] });
    expect(longParameter.statusCode).toBe(414);
    for (const response of [badEscape, nul, longParameter]) expect(response.headers['content-type']).toMatch(PROBLEM_JSON);
  });

  it('answers invalid JSON with 400 problem+json', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/customers',
      headers: { 'content-type': 'application/json' },
      payload: '{"name": "Acme",',
    });

    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(PROBLEM_JSON);
    expect(response.json()).toMatchObject({ status: 400, title: 'Bad Request', code: 'BAD_REQUEST' });
  });

  it('answers a body over the limit with 413 and an unsupported media type with 415', async () => {
    const tooLarge = await app.inject({
      method: 'POST',
      url: '/customers',
      payload: { name: 'x'.repeat(4096), visitsPerMonth: 1, contacts: [] },
    });
    const wrongType = await app.inject({
      method: 'POST',
      url: '/customers',
      headers: { 'content-type': 'application/xml' },
      payload: '<customer/>',
    });

    expect(tooLarge.statusCode).toBe(413);
    expect(tooLarge.json()).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
    expect(wrongType.statusCode).toBe(415);
    expect(wrongType.headers['content-type']).toMatch(PROBLEM_JSON);
    expect(wrongType.json()).toMatchObject({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
  });

  it('answers an unknown route with 404 problem+json', async () => {
    const response = await app.inject({ method: 'GET', url: '/nowhere?x=1' });

    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(PROBLEM_JSON);
    expect(response.json()).toMatchObject({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      code: 'NOT_FOUND',
      instance: '/nowhere',
    });
  });

  it('maps a service exception through the service mapping, with its details', async () => {
    const response = await app.inject({ method: 'GET', url: '/customers/blocked' });

    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({
      type: 'urn:fieldforce:problem:sample-customer-blocked',
      title: 'Customer blocked',
      status: 403,
      detail: 'customer c-9 is blocked',
      code: 'SAMPLE_CUSTOMER_BLOCKED',
      details: { customerId: 'c-9' },
    });
  });

  it('maps a common not-found exception to 404', async () => {
    const response = await app.inject({ method: 'GET', url: '/customers/c-1' });

    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ code: 'NOT_FOUND', detail: 'customer c-1 not found' });
  });

  it('answers an unknown error with 500 and an error id, revealing no internals', async () => {
    const response = await app.inject({ method: 'GET', url: '/customers/crash' });

    expect(response.statusCode).toBe(500);
    expect(response.headers['content-type']).toMatch(PROBLEM_JSON);
    const problem = response.json();
    expect(problem).toMatchObject({ type: 'about:blank', title: 'Internal Server Error', status: 500 });
    expect(problem.errorId).toMatch(UUID);
    expect(problem.detail).toContain(problem.errorId);
    expect(response.body).not.toMatch(/secret_table|SELECT|stack|at Object/);
  });

  it('answers a refused database connection with 503 and Retry-After, not an unexpected 500', async () => {
    const response = await app.inject({ method: 'GET', url: '/customers/database-refused' });

    expect(response.statusCode).toBe(503);
    expect(response.headers['content-type']).toMatch(PROBLEM_JSON);
    expect(response.headers['retry-after']).toBe('1');
    expect(response.json()).toMatchObject({ status: 503, code: 'DATABASE_UNAVAILABLE', title: 'Service unavailable' });
    expect(response.body).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|stack/);
  });

  it('answers a request that found every pooled connection busy with 503 DATABASE_BUSY and Retry-After, not an unexpected 500', async () => {
    const url = process.env.DATABASE_ADMIN_URL;
    if (!url) throw new Error('DATABASE_ADMIN_URL is not set: run through the integration project');

    const response = await app.inject({ method: 'GET', url: `/customers/database-busy?url=${encodeURIComponent(url)}` });

    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('1');
    expect(response.json()).toMatchObject({ status: 503, code: 'DATABASE_BUSY', title: 'Service unavailable' });
  });

  it.each([
    ['in the middle of its query', 'database-cut', 'problem-details-cut', 'active'],
    ['while its transaction waited idle', 'database-cut-idle', 'problem-details-idle-cut', 'idle in transaction'],
  ])('answers 503 for a connection a database restart cut %s', async (_when, route, applicationName, state) => {
    // The run's test database, from jest's global setup (libs/testing would make a circular dependency).
    const url = process.env.DATABASE_ADMIN_URL;
    if (!url) throw new Error('DATABASE_ADMIN_URL is not set: run through the integration project');
    const admin = new Client({ connectionString: url });
    await admin.connect();
    try {
      const answer = app.inject({ method: 'GET', url: `/customers/${route}?url=${encodeURIComponent(url)}` });
      // What a fast shutdown does to every backend: terminate it.
      let terminated = 0;
      for (let tries = 0; terminated === 0 && tries < 600; tries += 1) {
        const { rows } = await admin.query<{ pid: number }>(
          `SELECT pg_terminate_backend(pid) AS pid FROM pg_stat_activity WHERE application_name = $1 AND state = $2`,
          [applicationName, state],
        );
        terminated = rows.length;
        if (terminated === 0) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const response = await answer;

      expect(terminated).toBe(1);
      expect(response.statusCode).toBe(503);
      expect(response.json()).toMatchObject({ code: 'DATABASE_UNAVAILABLE' });
    } finally {
      await admin.end();
    }
  });
});
