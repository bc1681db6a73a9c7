import { randomUUID } from 'node:crypto';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { Topics } from '@fieldforce/contracts';
import { type CollectedRecord, eventually, KafkaTopicCollector } from '@fieldforce/testing';
import { MissedTasks } from '../src/modules/tasks/missed-tasks';
import { customerState, seedCustomers } from './support/customers';
import { templateInput } from './support/templates';
import { startVisitsTestApp, type VisitsTestApp } from './support/visits-test-app';

describe(MissedTasks.name, () => {
  let service: VisitsTestApp;
  let app: NestFastifyApplication;
  let missedTasks: MissedTasks;
  let events: KafkaTopicCollector;

  beforeAll(async () => {
    // No grace: a task counts as missed as soon as its due date ended, so the instants below read plainly.
    service = await startVisitsTestApp({ MISSED_TASK_SWEEP_INTERVAL_MS: '300', MISSED_TASK_GRACE_HOURS: '0' });
    app = service.app;
    missedTasks = app.get(MissedTasks);
    events = await KafkaTopicCollector.start(service.kafka, service.kafka.topicPrefix + Topics.visits.task);
  });

  afterAll(async () => {
    await events?.stop();
    await service?.close();
  });

  /** A tenant in `timeZone` with a grade-A template and one customer of its rep; `task` creates tasks there. */
  async function tenant(timeZone: string) {
    const tenantId = randomUUID();
    const repId = randomUUID();
    const admin = { authorization: `Bearer ${await service.jwks.sign({ sub: randomUUID(), tid: tenantId, roles: ['admin'], org: 'hq' })}` };
    await app.inject({ method: 'PUT', url: '/api/v1/visit-settings', headers: admin, payload: { timeZone } });
    await app.inject({ method: 'POST', url: '/api/v1/visit-templates', headers: admin, payload: templateInput() });
    const customer = customerState(tenantId, { grade: 'A', ownerId: repId, orgPath: 'hq' });
    await seedCustomers(app, [customer]);
    const act = (id: string, action: string, payload: Record<string, unknown> = {}) =>
      app.inject({ method: 'POST', url: `/api/v1/visit-tasks/${id}/${action}`, headers: admin, payload });
    const task = async (dueDate: string, status: 'planned' | 'dispatched' | 'in_progress' | 'completed' | 'cancelled' = 'planned'): Promise<string> => {
      const { id } = (await app.inject({ method: 'POST', url: '/api/v1/visit-tasks', headers: admin, payload: { customerId: customer.id, dueDate } })).json();
      if (status === 'cancelled') await act(id, 'cancel', { reason: 'closed' });
      if (status !== 'planned' && status !== 'cancelled') await act(id, 'dispatch', { assigneeId: repId });
      if (status === 'in_progress' || status === 'completed') await act(id, 'start');
      if (status === 'completed') await act(id, 'complete');
      return id;
    };
    const statusOf = async (id: string): Promise<string> => (await app.inject({ method: 'GET', url: `/api/v1/visit-tasks/${id}`, headers: admin })).json().status;
    return { tenantId, admin, customer, task, statusOf, act };
  }

  it("misses open tasks once their due date has ended in the tenant's time zone, and leaves started and finished ones", async () => {
    const kiritimati = await tenant('Pacific/Kiritimati'); // UTC+14
    const utc = await tenant('UTC');
    const losAngeles = await tenant('America/Los_Angeles'); // UTC-8 in early March
    const ids = {
      kiritimatiPlanned: await kiritimati.task('2031-03-04'),
      kiritimatiDispatched: await kiritimati.task('2031-03-04', 'dispatched'),
      kiritimatiStarted: await kiritimati.task('2031-03-04', 'in_progress'),
      kiritimatiCompleted: await kiritimati.task('2031-03-04', 'completed'),
      kiritimatiCancelled: await kiritimati.task('2031-03-04', 'cancelled'),
      kiritimatiTomorrow: await kiritimati.task('2031-03-05'),
      utc: await utc.task('2031-03-04'),
      losAngeles: await losAngeles.task('2031-03-04', 'dispatched'),
    };
    const tenants = [kiritimati.tenantId, utc.tenantId, losAngeles.tenantId];
    const sweepAt = async (instant: string) => (await missedTasks.sweep(new Date(instant), 0, tenants)).map((task) => task.id).sort();

    expect(await sweepAt('2031-03-04T09:59:59.000Z')).toEqual([]);
    expect(await sweepAt('2031-03-04T10:00:00.000Z')).toEqual([ids.kiritimatiPlanned, ids.kiritimatiDispatched].sort());
    expect(await sweepAt('2031-03-04T23:59:59.000Z')).toEqual([]);
    expect(await sweepAt('2031-03-05T00:00:00.000Z')).toEqual([ids.utc]);
    expect(await sweepAt('2031-03-05T07:59:59.000Z')).toEqual([]);
    expect(await sweepAt('2031-03-05T08:00:00.000Z')).toEqual([ids.losAngeles]);
    expect(await sweepAt('2031-03-05T08:00:00.000Z')).toEqual([]);

    expect(
      await Promise.all([
        kiritimati.statusOf(ids.kiritimatiStarted),
        kiritimati.statusOf(ids.kiritimatiCompleted),
        kiritimati.statusOf(ids.kiritimatiCancelled),
        kiritimati.statusOf(ids.kiritimatiTomorrow),
      ]),
    ).toEqual(['in_progress', 'completed', 'cancelled', 'planned']);
    const refused = await losAngeles.act(ids.losAngeles, 'start');
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ details: { currentStatus: 'missed' } });
    const [record] = await events.waitFor((candidate) => candidate.key === ids.losAngeles && candidate.value.includes('task.missed'));
    expect(JSON.parse(record!.value)).toMatchObject({ data: { task: { id: ids.losAngeles, status: 'missed', version: 3 }, changedFields: ['status'] } });
  });

  it('leaves an overdue task open for the grace period', async () => {
    const utc = await tenant('UTC');
    const overdue = await utc.task('2031-09-01');
    const sweepAt = async (instant: string) => (await missedTasks.sweep(new Date(instant), 36, [utc.tenantId])).some((task) => task.id === overdue);

    expect(await sweepAt('2031-09-03T11:59:59.000Z')).toBe(false);
    expect(await utc.statusOf(overdue)).toBe('planned');
    expect(await sweepAt('2031-09-03T12:00:00.000Z')).toBe(true);
  });

  it('marks and publishes each overdue task once when several sweeps run at the same time', async () => {
    const { tenantId, customer } = await tenant('UTC');
    const total = 2_300;
    const [template] = await app.get(DataSource).query<{ id: string }[]>('SELECT id FROM visits.visit_templates WHERE tenant_id = $1', [tenantId]);
    await app.get(DataSource).query(
      `INSERT INTO visits.visit_tasks (id, tenant_id, customer_id, template_id, template_version, status, due_date, version)
       SELECT gen_random_uuid(), $1, $2, $3, 1, CASE WHEN n % 2 = 0 THEN 'planned' ELSE 'dispatched' END, DATE '2031-08-01' - (n % 20), 1
       FROM generate_series(1, $4) n`,
      [tenantId, customer.id, template!.id, total],
    );

    const sweeps = await Promise.all([1, 2, 3].map(() => missedTasks.sweep(new Date('2031-08-02T00:00:00.000Z'), 0, [tenantId])));

    const mine = sweeps.map((tasks) => tasks.filter((task) => task.tenantId === tenantId).map((task) => task.id));
    const all = mine.flat();
    expect(all).toHaveLength(total);
    expect(new Set(all).size).toBe(total);
    const [row] = await app.get(DataSource).query<{ missed: number }[]>(
      `SELECT CAST(count(*) AS integer) AS missed FROM visits.visit_tasks WHERE tenant_id = $1 AND status = 'missed' AND version = 2`,
      [tenantId],
    );
    expect(row!.missed).toBe(total);
    const ofTenant = (record: CollectedRecord) => record.value.includes(tenantId) && record.value.includes('task.missed');
    await events.waitFor(ofTenant, total, 60_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(events.records.filter(ofTenant)).toHaveLength(total);
  });

  it('sweeps on its own every MISSED_TASK_SWEEP_INTERVAL_MS', async () => {
    const utc = await tenant('UTC');
    const overdue = await utc.task('2020-01-01');
    await eventually('the periodic sweep misses the task', async () => (await utc.statusOf(overdue)) === 'missed', 10_000);
  });
});
