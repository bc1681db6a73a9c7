import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { OPENAPI_PATH, createServiceApp } from '../src';
import { SampleAppModule, sampleConfig, sampleProblemMappings } from './sample-app';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe(createServiceApp.name, () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await createServiceApp(SampleAppModule, sampleConfig({ CORS_ORIGINS: 'https://app.example' }), {
      openApi: { title: 'Sample', version: '1.0.0' },
      problemMappings: sampleProblemMappings,
    });
  });

  afterAll(async () => {
    await app.close();
  });

  it('echoes a well-formed incoming x-request-id and generates one otherwise', async () => {
    const honoured = await app.inject({ method: 'GET', url: '/customers/c-1', headers: { 'x-request-id': 'req-42' } });
    const generated = await app.inject({ method: 'GET', url: '/customers/c-1' });
    const malformed = await app.inject({
      method: 'GET',
      url: '/customers/c-1',
      headers: { 'x-request-id': 'bad id\twith tabs' },
    });

    expect(honoured.headers['x-request-id']).toBe('req-42');
    expect(honoured.json().requestId).toBe('req-42');
    expect(generated.headers['x-request-id']).toMatch(UUID);
    expect(generated.json().requestId).toBe(generated.headers['x-request-id']);
    expect(malformed.headers['x-request-id']).toMatch(UUID);
  });

  it('serves the OpenAPI document of its routes', async () => {
    const response = await app.inject({ method: 'GET', url: OPENAPI_PATH });

    expect(response.statusCode).toBe(200);
    const document = response.json();
    expect(document.info).toEqual(expect.objectContaining({ title: 'Sample', version: '1.0.0' }));
    expect(Object.keys(document.paths)).toContain('/customers');
  });

  it('allows the configured CORS origins only, exposing the request id', async () => {
    const preflight = (origin: string) =>
      app.inject({
        method: 'OPTIONS',
        url: '/customers',
        headers: { origin, 'access-control-request-method': 'POST' },
      });
    const allowed = await preflight('https://app.example');
    const other = await preflight('https://evil.example');
    const simple = await app.inject({ method: 'GET', url: '/customers/c-1', headers: { origin: 'https://app.example' } });

    expect(allowed.headers['access-control-allow-origin']).toBe('https://app.example');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    expect(simple.headers['access-control-expose-headers']).toContain('x-request-id');
  });
});
