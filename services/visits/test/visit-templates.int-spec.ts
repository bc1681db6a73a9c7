import { randomUUID } from 'node:crypto';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { TemplatesController } from '../src/modules/templates/templates.controller';
import { templateInput } from './support/templates';
import { startVisitsTestApp, type VisitsTestApp } from './support/visits-test-app';

describe(TemplatesController.name, () => {
  let service: VisitsTestApp;
  let app: NestFastifyApplication;
  const tenantId = randomUUID();
  let admin: Record<string, string>;
  let rep: Record<string, string>;

  beforeAll(async () => {
    service = await startVisitsTestApp();
    app = service.app;
    admin = { authorization: `Bearer ${await service.jwks.sign({ sub: randomUUID(), tid: tenantId, roles: ['admin'], org: 'hq' })}` };
    rep = { authorization: `Bearer ${await service.jwks.sign({ sub: randomUUID(), tid: tenantId, roles: ['rep'], org: 'hq.north' })}` };
  });

  afterAll(async () => {
    await service?.close();
  });

  it('creates a template at version 1 and keeps every earlier version readable after a PATCH', async () => {
    const created = await app.inject({ method: 'POST', url: '/api/v1/visit-templates', headers: admin, payload: templateInput({ grades: ['A', 'A+'] }) });
    expect(created.statusCode).toBe(201);
    expect(created.headers.etag).toBe('"1"');
    const template = created.json();
    expect(template).toMatchObject({ tenantId, version: 1, grades: ['A', 'A+'], frequency: { every: 1, unit: 'week' } });

    const patched = await app.inject({
      method: 'PATCH',
      url: `/api/v1/visit-templates/${template.id}`,
      headers: { ...admin, 'if-match': '"1"' },
      payload: { frequency: { every: 2, unit: 'week' }, steps: [{ key: 'arrive', type: 'check-in', required: true }] },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ version: 2, frequency: { every: 2, unit: 'week' }, steps: [{ key: 'arrive' }] });

    const first = await app.inject({ method: 'GET', url: `/api/v1/visit-templates/${template.id}/versions/1`, headers: rep });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual(template);
    const current = await app.inject({ method: 'GET', url: `/api/v1/visit-templates/${template.id}`, headers: rep });
    expect(current.json()).toMatchObject({ version: 2 });
    expect(current.headers.etag).toBe('"2"');
  });

  it('answers 412 for a PATCH against a stale version', async () => {
    const template = (await app.inject({ method: 'POST', url: '/api/v1/visit-templates', headers: admin, payload: templateInput({ grades: ['S1'] }) })).json();
    await app.inject({ method: 'PATCH', url: `/api/v1/visit-templates/${template.id}`, headers: admin, payload: { name: 'v2' } });

    const stale = await app.inject({ method: 'PATCH', url: `/api/v1/visit-templates/${template.id}`, headers: { ...admin, 'if-match': '"1"' }, payload: { name: 'v3' } });

    expect(stale.statusCode).toBe(412);
    expect(stale.json()).toMatchObject({ code: 'TEMPLATE_VERSION_MISMATCH', details: { currentVersion: 2 } });
  });

  it('answers 422 listing each bad step', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/visit-templates',
      headers: admin,
      payload: templateInput({ grades: ['X'], steps: [{ key: 'p', type: 'photo', required: true, minCount: 0 }, { key: 'q', type: 'dance', required: true }] }),
    });

    expect(response.statusCode).toBe(422);
    expect(response.json().errors).toEqual([
      { field: 'steps.0.minCount', message: expect.any(String) },
      { field: 'steps.1.type', message: expect.any(String) },
    ]);
  });

  it('answers 409 when another template already covers one of the grades', async () => {
    await app.inject({ method: 'POST', url: '/api/v1/visit-templates', headers: admin, payload: templateInput({ grades: ['C'] }) });

    const clash = await app.inject({ method: 'POST', url: '/api/v1/visit-templates', headers: admin, payload: templateInput({ grades: ['D', 'C'] }) });

    expect(clash.statusCode).toBe(409);
    expect(clash.json()).toMatchObject({ code: 'TEMPLATE_GRADE_TAKEN', details: { grades: ['C'] } });
  });

  it('lets a rep read templates but not write them, and hides other tenants\' templates', async () => {
    const denied = await app.inject({ method: 'POST', url: '/api/v1/visit-templates', headers: rep, payload: templateInput({ grades: ['R'] }) });
    expect(denied.statusCode).toBe(403);

    const template = (await app.inject({ method: 'POST', url: '/api/v1/visit-templates', headers: admin, payload: templateInput({ grades: ['T'] }) })).json();
    const stranger = { authorization: `Bearer ${await service.jwks.sign({ sub: randomUUID(), tid: randomUUID(), roles: ['admin'], org: 'hq' })}` };
    const hidden = await app.inject({ method: 'GET', url: `/api/v1/visit-templates/${template.id}`, headers: stranger });
    expect(hidden.statusCode).toBe(404);
    const listed = await app.inject({ method: 'GET', url: '/api/v1/visit-templates', headers: rep });
    expect(listed.json().items.map((item: { id: string }) => item.id)).toContain(template.id);
  });
});
