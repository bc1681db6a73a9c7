import { randomUUID } from 'node:crypto';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { type CloudEvent, Topics } from '@fieldforce/contracts';
import { type CollectedRecord, KafkaTopicCollector } from '@fieldforce/testing';
import { customerState, seedCustomers } from './support/customers';
import { templateInput } from './support/templates';
import { startVisitsTestApp, type VisitsTestApp } from './support/visits-test-app';

type Event = CloudEvent<{ task: Record<string, unknown>; changedFields: string[]; previousAssigneeId?: string | null }>;

describe('visit task and template events', () => {
  let service: VisitsTestApp;
  let app: NestFastifyApplication;
  let events: KafkaTopicCollector;
  const tenantId = randomUUID();
  const repId = randomUUID();
  const otherRepId = randomUUID();
  let admin: Record<string, string>;

  const ofTask = (taskId: string) => (record: CollectedRecord) => record.key === taskId;
  const parse = (records: CollectedRecord[]): Event[] => records.map((record) => JSON.parse(record.value) as Event);

  beforeAll(async () => {
    service = await startVisitsTestApp();
    app = service.app;
    events = await KafkaTopicCollector.start(service.kafka, service.kafka.topicPrefix + Topics.visits.task, service.kafka.topicPrefix + Topics.visits.visitTemplate);
    admin = { authorization: `Bearer ${await service.jwks.sign({ sub: randomUUID(), tid: tenantId, roles: ['admin'], org: 'hq' })}` };
  });

  afterAll(async () => {
    await events?.stop();
    await service?.close();
  });

  it('publishes template created and updated events with the full template and what changed', async () => {
    const created = (await app.inject({ method: 'POST', url: '/api/v1/visit-templates', headers: admin, payload: templateInput() })).json();
    const patched = await app.inject({ method: 'PATCH', url: `/api/v1/visit-templates/${created.id}`, headers: admin, payload: { expectedDurationMinutes: 45 } });
    const unchanged = await app.inject({ method: 'PATCH', url: `/api/v1/visit-templates/${created.id}`, headers: admin, payload: { expectedDurationMinutes: 45 } });

    expect(patched.json()).toMatchObject({ version: 2 });
    expect(unchanged.json()).toMatchObject({ version: 2 });
    const records = await events.waitFor((record) => record.key === created.id, 2);
    const [first, second] = records.map((record) => JSON.parse(record.value) as CloudEvent<{ template: Record<string, unknown>; changedFields: string[] }>);
    expect(first).toMatchObject({ type: 'fieldforce.visits.visit-template.created.v1', tenantid: tenantId, data: { template: { id: created.id, version: 1 } } });
    expect(first!.data.changedFields).toEqual(expect.arrayContaining(['name', 'grades', 'frequency', 'steps']));
    expect(second).toMatchObject({
      type: 'fieldforce.visits.visit-template.updated.v1',
      data: { template: { version: 2, expectedDurationMinutes: 45 }, changedFields: ['expectedDurationMinutes'] },
    });
    // The no-op PATCH made no version and no event.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(events.records.filter((record) => record.key === created.id)).toHaveLength(2);
  });

  it('publishes planned, dispatched, started, completed, rescheduled and cancelled with the full task and its changed fields', async () => {
    const customer = customerState(tenantId, { grade: 'A', ownerId: repId, orgPath: 'hq.north' });
    await seedCustomers(app, [customer]);
    const post = (id: string, action: string, payload: Record<string, unknown> = {}) =>
      app.inject({ method: 'POST', url: `/api/v1/visit-tasks/${id}/${action}`, headers: admin, payload });
    const task = (await app.inject({ method: 'POST', url: '/api/v1/visit-tasks', headers: admin, payload: { customerId: customer.id, dueDate: '2031-03-04' } })).json();
    await app.inject({ method: 'PATCH', url: `/api/v1/visit-tasks/${task.id}`, headers: admin, payload: { dueDate: '2031-03-05' } });
    await post(task.id, 'dispatch', { assigneeId: otherRepId });
    await post(task.id, 'start');
    const completed = (await post(task.id, 'complete')).json();
    const other = (await app.inject({ method: 'POST', url: '/api/v1/visit-tasks', headers: admin, payload: { customerId: customer.id, dueDate: '2031-03-06' } })).json();
    await post(other.id, 'cancel', { reason: 'shop closed' });
    await post(other.id, 'start');

    const lifecycle = parse(await events.waitFor(ofTask(task.id), 5));
    expect(lifecycle.map((event) => [event.type, event.data.changedFields])).toEqual([
      ['fieldforce.visits.task.planned.v1', expect.arrayContaining(['customerId', 'status', 'assigneeId', 'dueDate'])],
      ['fieldforce.visits.task.rescheduled.v1', ['dueDate']],
      ['fieldforce.visits.task.dispatched.v1', ['status', 'assigneeId']],
      ['fieldforce.visits.task.started.v1', ['status', 'startedAt']],
      ['fieldforce.visits.task.completed.v1', ['status', 'completedAt']],
    ]);
    expect(lifecycle.map((event) => event.data.task.version)).toEqual([1, 2, 3, 4, 5]);
    expect(lifecycle[4]!.data.task).toEqual(completed);
    const cancelled = parse(await events.waitFor(ofTask(other.id), 2));
    expect(cancelled[1]).toMatchObject({ type: 'fieldforce.visits.task.cancelled.v1', data: { task: { status: 'cancelled', cancelReason: 'shop closed' }, changedFields: ['status', 'cancelReason'] } });
    // The refused start after the cancellation published nothing.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(events.records.filter(ofTask(other.id))).toHaveLength(2);
  });

  it('publishes one planned event per task a plan generation creates, and none when a rerun creates nothing', async () => {
    const planTenant = randomUUID();
    const planner = { authorization: `Bearer ${await service.jwks.sign({ sub: randomUUID(), tid: planTenant, roles: ['admin'], org: 'hq' })}` };
    await app.inject({ method: 'POST', url: '/api/v1/visit-templates', headers: planner, payload: templateInput() });
    const customers = Array.from({ length: 7 }, (_, index) => customerState(planTenant, { grade: 'A', ownerId: index % 2 === 0 ? repId : null, orgPath: 'hq' }));
    await seedCustomers(app, customers);

    const first = (await app.inject({ method: 'POST', url: '/api/v1/visit-plans/generate', headers: planner, payload: { from: '2031-03-03', to: '2031-03-23' } })).json();
    const second = (await app.inject({ method: 'POST', url: '/api/v1/visit-plans/generate', headers: planner, payload: { from: '2031-03-03', to: '2031-03-23' } })).json();

    expect(first).toMatchObject({ created: 21, byOwner: { [repId]: 12, unassigned: 9 } });
    expect(second).toMatchObject({ created: 0, skipped: 21 });
    const ofPlanTenant = (record: CollectedRecord) => record.topic.endsWith(Topics.visits.task) && JSON.parse(record.value).tenantid === planTenant;
    const planned = parse(await events.waitFor(ofPlanTenant, 21));
    expect(planned.every((event) => event.type === 'fieldforce.visits.task.planned.v1' && event.subject === event.data.task.id)).toBe(true);
    expect(new Set(planned.map((event) => event.data.task.id)).size).toBe(21);
    expect(planned.map((event) => `${String(event.data.task.customerId)}|${String(event.data.task.cycleKey)}`).sort()).toEqual(
      customers.flatMap((customer) => ['1w:2031-03-03', '1w:2031-03-10', '1w:2031-03-17'].map((cycle) => `${customer.id}|${cycle}`)).sort(),
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(events.records.filter(ofPlanTenant)).toHaveLength(21);
  });

  it('publishes reassigned for each open future task that follows a customer to its new owner', async () => {
    const customer = customerState(tenantId, { grade: 'A', ownerId: repId, orgPath: 'hq.north' });
    await seedCustomers(app, [customer]);
    const open = (await app.inject({ method: 'POST', url: '/api/v1/visit-tasks', headers: admin, payload: { customerId: customer.id, dueDate: '2031-04-01' } })).json();
    const past = (await app.inject({ method: 'POST', url: '/api/v1/visit-tasks', headers: admin, payload: { customerId: customer.id, dueDate: '2020-04-01' } })).json();

    await seedCustomers(app, [{ ...customer, ownerId: otherRepId, orgPath: 'hq.south', version: 2 }]);

    const [, reassigned] = parse(await events.waitFor(ofTask(open.id), 2));
    expect(reassigned).toMatchObject({
      type: 'fieldforce.visits.task.reassigned.v1',
      data: { task: { id: open.id, assigneeId: otherRepId, orgPath: 'hq.south', version: 2 }, changedFields: ['assigneeId', 'orgPath'], previousAssigneeId: repId },
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    // The past task did not follow. (A visits app's missed-task sweep, every minute, may meanwhile
    // mark it missed: that says nothing about reassignment.)
    const pastTypes = events.records.filter(ofTask(past.id)).map((record) => (JSON.parse(record.value) as { type: string }).type);
    expect(pastTypes.filter((type) => type !== 'fieldforce.visits.task.missed.v1')).toEqual(['fieldforce.visits.task.planned.v1']);
  });
});
