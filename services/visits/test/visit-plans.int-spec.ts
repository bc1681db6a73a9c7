import { randomUUID } from 'node:crypto';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { type CustomerState } from '@fieldforce/contracts';
import { PlansController } from '../src/modules/plans/plans.controller';
import { customerState, seedCustomers } from './support/customers';
import { templateInput } from './support/templates';
import { startVisitsTestApp, type VisitsTestApp } from './support/visits-test-app';

/** The org path label the permissions service gives an org unit. */
const label = (orgUnitId: string): string => `u${orgUnitId.replace(/-/g, '')}`;

describe(PlansController.name, () => {
  let service: VisitsTestApp;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    service = await startVisitsTestApp();
    app = service.app;
  });

  afterAll(async () => {
    await service?.close();
  });

  /**
   * A tenant with templates A weekly, B every 2 weeks, C monthly, and customers of each grade
   * (plus one of a grade without template) in two teams under one root unit.
   */
  async function tenant() {
    const tenantId = randomUUID();
    const [rootUnit, northUnit, southUnit] = [randomUUID(), randomUUID(), randomUUID()];
    const north = `${label(rootUnit)}.${label(northUnit)}`;
    const south = `${label(rootUnit)}.${label(southUnit)}`;
    const northRep = randomUUID();
    const southRep = randomUUID();
    const token = async (sub: string, roles: string[], org: string) =>
      ({ authorization: `Bearer ${await service.jwks.sign({ sub, tid: tenantId, roles, org })}` }) as Record<string, string>;
    const admin = await token(randomUUID(), ['admin'], label(rootUnit));
    const templates: Record<string, string> = {};
    for (const [grade, frequency] of [
      ['A', { every: 1, unit: 'week' }],
      ['B', { every: 2, unit: 'week' }],
      ['C', { every: 1, unit: 'month' }],
    ] as const) {
      const response = await app.inject({ method: 'POST', url: '/api/v1/visit-templates', headers: admin, payload: templateInput({ name: `Grade ${grade}`, grades: [grade], frequency }) });
      expect(response.statusCode).toBe(201);
      templates[grade] = response.json().id;
    }
    const customers: Record<string, CustomerState> = {
      northA: customerState(tenantId, { grade: 'A', ownerId: northRep, orgPath: north }),
      northB: customerState(tenantId, { grade: 'B', ownerId: northRep, orgPath: north }),
      southC: customerState(tenantId, { grade: 'C', ownerId: southRep, orgPath: south }),
      northD: customerState(tenantId, { grade: 'D', ownerId: northRep, orgPath: north }),
    };
    await seedCustomers(app, Object.values(customers));
    return {
      tenantId,
      admin,
      supervisor: await token(randomUUID(), ['supervisor'], north),
      rep: await token(northRep, ['rep'], north),
      units: { rootUnit, northUnit, southUnit },
      northRep,
      southRep,
      templates,
      customers,
    };
  }

  const generate = (headers: Record<string, string>, payload: Record<string, unknown>) =>
    app.inject({ method: 'POST', url: '/api/v1/visit-plans/generate', headers, payload });
  const march = { from: '2031-03-01', to: '2031-03-31' };
  const tasksOf = async (headers: Record<string, string>, customerId: string) =>
    (await app.inject({ method: 'GET', url: `/api/v1/visit-tasks?customerId=${customerId}&limit=200`, headers })).json().items as Record<string, unknown>[];

  it("creates one planned task per cycle of each grade's frequency over a month, due at each cycle's end, for the owner", async () => {
    const { admin, customers, northRep, southRep, templates } = await tenant();

    const response = await generate(admin, march);

    expect(response.statusCode).toBe(200);
    // March 2031 starts on a Saturday: A has 6 Monday weeks touching it, B 3 fortnights, C 1 month; D has no template.
    expect(response.json()).toEqual({ ...march, timeZone: 'UTC', created: 10, skipped: 0, byOwner: { [northRep]: 9, [southRep]: 1 } });
    const dueDates = async (customer: CustomerState) => (await tasksOf(admin, customer.id)).map((task) => task.dueDate);
    expect(await dueDates(customers.northA!)).toEqual(['2031-03-02', '2031-03-09', '2031-03-16', '2031-03-23', '2031-03-30', '2031-03-31']);
    expect(await dueDates(customers.northB!)).toEqual(['2031-03-09', '2031-03-23', '2031-03-31']);
    expect(await dueDates(customers.southC!)).toEqual(['2031-03-31']);
    expect(await dueDates(customers.northD!)).toEqual([]);
    const [first] = await tasksOf(admin, customers.northB!.id);
    expect(first).toMatchObject({ status: 'planned', assigneeId: northRep, orgPath: customers.northB!.orgPath, templateId: templates.B, templateVersion: 1, cycleKey: '2w:2031-02-24' });
  });

  it('creates nothing on a second run, nor for a cycle an ad hoc task of the customer already covers', async () => {
    const { admin, customers } = await tenant();
    const adHoc = await app.inject({ method: 'POST', url: '/api/v1/visit-tasks', headers: admin, payload: { customerId: customers.northA!.id, dueDate: '2031-03-12' } });
    expect(adHoc.statusCode).toBe(201);
    await app.inject({ method: 'POST', url: `/api/v1/visit-tasks/${adHoc.json().id}/cancel`, headers: admin, payload: { reason: 'shop closed' } });

    const first = (await generate(admin, march)).json();
    const second = (await generate(admin, march)).json();
    const overlapping = (await generate(admin, { from: '2031-03-20', to: '2031-04-13' })).json();

    expect(first).toMatchObject({ created: 9, skipped: 1 });
    expect(second).toMatchObject({ created: 0, skipped: 10, byOwner: {} });
    // The week of Mar 31 was planned (clipped) in March; only A's week and B's fortnight of Apr 7 and C's April are new.
    expect(overlapping).toMatchObject({ created: 3 });
    const weekOfAdHoc = (await tasksOf(admin, customers.northA!.id)).filter((task) => String(task.dueDate) >= '2031-03-10' && String(task.dueDate) <= '2031-03-16');
    expect(weekOfAdHoc).toEqual([expect.objectContaining({ id: adHoc.json().id, status: 'cancelled' })]);
  });

  it("plans only the customers in the caller's scope, narrowed by owners or org unit", async () => {
    const { admin, supervisor, rep, units, customers, northRep, southRep } = await tenant();

    const forbidden = await generate(rep, march);
    const byOrgUnit = (await generate(admin, { ...march, orgUnitId: units.southUnit })).json();
    const bySupervisor = (await generate(supervisor, march)).json();
    const byOwner = (await generate(admin, { ...march, ownerIds: [southRep, northRep] })).json();

    expect(forbidden.statusCode).toBe(403);
    expect(byOrgUnit).toMatchObject({ created: 1, byOwner: { [southRep]: 1 } });
    expect(bySupervisor).toMatchObject({ created: 9, skipped: 0, byOwner: { [northRep]: 9 } });
    expect(byOwner).toMatchObject({ created: 0, skipped: 10 });
    expect(await tasksOf(supervisor, customers.southC!.id)).toEqual([]);
  });

  it("counts the period's days and cycles in the tenant's time zone", async () => {
    const { admin, customers } = await tenant();
    const bad = await app.inject({ method: 'PUT', url: '/api/v1/visit-settings', headers: admin, payload: { timeZone: 'Mars/Olympus_Mons' } });
    const set = await app.inject({ method: 'PUT', url: '/api/v1/visit-settings', headers: admin, payload: { timeZone: 'Pacific/Auckland' } });
    expect(bad.statusCode).toBe(400);
    expect(set.json()).toEqual({ timeZone: 'Pacific/Auckland' });

    // 11:30 UTC on Sunday, March 2 is already Monday, March 3 in Auckland (UTC+13): the first week is March 3–9.
    const response = await generate(admin, { from: '2031-03-02T11:30:00Z', to: '2031-03-09T12:00:00Z' });

    expect(response.json()).toMatchObject({ from: '2031-03-03', to: '2031-03-10', timeZone: 'Pacific/Auckland' });
    expect((await tasksOf(admin, customers.northA!.id)).map((task) => task.dueDate)).toEqual(['2031-03-09', '2031-03-10']);
  });

  it('answers 422 for a period ending before it starts or longer than 93 days', async () => {
    const { admin } = await tenant();

    const backwards = await generate(admin, { from: '2031-03-31', to: '2031-03-01' });
    const tooLong = await generate(admin, { from: '2031-01-01', to: '2031-04-04' });
    const longest = await generate(admin, { from: '2031-01-01', to: '2031-04-03' });

    expect([backwards.statusCode, tooLong.statusCode, longest.statusCode]).toEqual([422, 422, 200]);
    expect(tooLong.json()).toMatchObject({ code: 'PLAN_INVALID_PERIOD', details: { days: 93 + 1, maxDays: 93 } });
  });
});
