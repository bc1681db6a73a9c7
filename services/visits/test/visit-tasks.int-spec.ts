import { randomUUID } from 'node:crypto';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { TasksController } from '../src/modules/tasks/tasks.controller';
import { customerState, seedCustomers } from './support/customers';
import { templateInput } from './support/templates';
import { startVisitsTestApp, type VisitsTestApp } from './support/visits-test-app';

describe(TasksController.name, () => {
  let service: VisitsTestApp;
  let app: NestFastifyApplication;
  const tenantId = randomUUID();
  const repId = randomUUID();
  const otherRepId = randomUUID();
  let admin: Record<string, string>;
  let rep: Record<string, string>;
  let templateId: string;
  const customer = customerState(tenantId, { grade: 'A', ownerId: repId, orgPath: 'hq.north' });
  const otherCustomer = customerState(tenantId, { grade: 'A', ownerId: otherRepId, orgPath: 'hq.south' });

  beforeAll(async () => {
    service = await startVisitsTestApp();
    app = service.app;
    admin = { authorization: `Bearer ${await service.jwks.sign({ sub: randomUUID(), tid: tenantId, roles: ['admin'], org: 'hq' })}` };
    rep = { authorization: `Bearer ${await service.jwks.sign({ sub: repId, tid: tenantId, roles: ['rep'], org: 'hq.north' })}` };
    await seedCustomers(app, [customer, otherCustomer]);
    templateId = (await app.inject({ method: 'POST', url: '/api/v1/visit-templates', headers: admin, payload: templateInput() })).json().id;
  });

  afterAll(async () => {
    await service?.close();
  });

  const createTask = async (customerId = customer.id) => {
    const response = await app.inject({ method: 'POST', url: '/api/v1/visit-tasks', headers: admin, payload: { customerId, dueDate: '2031-03-04' } });
    expect(response.statusCode).toBe(201);
    return response.json();
  };
  const post = (id: string, action: string, payload: Record<string, unknown> = {}) =>
    app.inject({ method: 'POST', url: `/api/v1/visit-tasks/${id}/${action}`, headers: admin, payload });

  it("creates a planned task for the customer's owner with the template version of its grade", async () => {
    const task = await createTask();

    expect(task).toMatchObject({ status: 'planned', assigneeId: repId, orgPath: 'hq.north', templateId, templateVersion: 1, dueDate: '2031-03-04', version: 1 });
  });

  it('walks planned → dispatched → in_progress → completed, recording who and when', async () => {
    const task = await createTask();

    const dispatched = await post(task.id, 'dispatch', { assigneeId: repId });
    const started = await post(task.id, 'start');
    const completed = await post(task.id, 'complete');

    expect([dispatched.statusCode, started.statusCode, completed.statusCode]).toEqual([200, 200, 200]);
    expect(completed.json()).toMatchObject({ status: 'completed', assigneeId: repId, version: 4, startedAt: expect.any(String), completedAt: expect.any(String) });
  });

  it('answers 409 naming the current status for every transition a completed or cancelled task does not allow', async () => {
    const cancelled = await createTask();
    const cancel = await post(cancelled.id, 'cancel', { reason: 'shop closed for renovation' });
    expect(cancel.json()).toMatchObject({ status: 'cancelled', cancelReason: 'shop closed for renovation' });

    const bodies: Record<string, Record<string, unknown>> = { dispatch: { assigneeId: repId }, start: {}, complete: {}, cancel: { reason: 'again' } };
    for (const [action, body] of Object.entries(bodies)) {
      const response = await post(cancelled.id, action, body);
      expect(response.statusCode).toBe(409);
      expect(response.json()).toMatchObject({ code: 'TASK_ILLEGAL_TRANSITION', details: { currentStatus: 'cancelled', transition: action } });
    }
    const planned = await createTask();
    const early = await post(planned.id, 'complete');
    expect(early.statusCode).toBe(409);
    expect(early.json().detail).toContain('is planned');
  });

  it('reschedules with If-Match and answers 412 for a stale version', async () => {
    const task = await createTask();
    const moved = await app.inject({ method: 'PATCH', url: `/api/v1/visit-tasks/${task.id}`, headers: { ...admin, 'if-match': '"1"' }, payload: { dueDate: '2031-03-05' } });
    expect(moved.json()).toMatchObject({ dueDate: '2031-03-05', version: 2 });

    const stale = await app.inject({ method: 'PATCH', url: `/api/v1/visit-tasks/${task.id}`, headers: { ...admin, 'if-match': '"1"' }, payload: { dueDate: '2031-03-06' } });
    expect(stale.statusCode).toBe(412);
  });

  it("lists only the tasks in the caller's scope, filtered and paged by cursor", async () => {
    const mine = [await createTask(), await createTask()];
    const foreign = await createTask(otherCustomer.id);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `status=planned&customerId=${customer.id}&limit=1${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await app.inject({ method: 'GET', url: `/api/v1/visit-tasks?${query}`, headers: rep })).json();
      seen.push(...page.items.map((item: { id: string }) => item.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(expect.arrayContaining(mine.map((task) => task.id)));
    expect(new Set(seen).size).toBe(seen.length);

    const hidden = await app.inject({ method: 'GET', url: `/api/v1/visit-tasks/${foreign.id}`, headers: rep });
    expect(hidden.statusCode).toBe(404);
    const all = (await app.inject({ method: 'GET', url: `/api/v1/visit-tasks?customerId=${otherCustomer.id}`, headers: rep })).json();
    expect(all.items).toEqual([]);
  });

  it('moves open future tasks to the new owner when the customer is reassigned, leaving finished and past ones', async () => {
    const reassigned = customerState(tenantId, { grade: 'A', ownerId: repId, orgPath: 'hq.north' });
    await seedCustomers(app, [reassigned]);
    const open = await createTask(reassigned.id);
    const done = await createTask(reassigned.id);
    await post(done.id, 'cancel', { reason: 'closed' });
    const past = (await app.inject({ method: 'POST', url: '/api/v1/visit-tasks', headers: admin, payload: { customerId: reassigned.id, dueDate: '2020-01-01' } })).json();

    await seedCustomers(app, [{ ...reassigned, ownerId: otherRepId, orgPath: 'hq.south', version: 2 }]);

    const read = async (id: string) => (await app.inject({ method: 'GET', url: `/api/v1/visit-tasks/${id}`, headers: admin })).json();
    expect(await read(open.id)).toMatchObject({ assigneeId: otherRepId, orgPath: 'hq.south', version: 2 });
    expect(await read(done.id)).toMatchObject({ assigneeId: repId, status: 'cancelled' });
    expect(await read(past.id)).toMatchObject({ assigneeId: repId, orgPath: 'hq.north' });
  });
});
