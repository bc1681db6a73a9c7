import { randomBytes, randomUUID } from 'node:crypto';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { type CheckInState, createEvent, type EventType, Topics } from '@fieldforce/contracts';
import { eventually, KafkaTopicCollector, TestEventPublisher } from '@fieldforce/testing';
import { VisitExecution } from '../src/modules/check-ins/visit-execution';
import { checkedOut, checkInState } from './support/check-ins';
import { customerState, seedCustomers } from './support/customers';
import { templateInput } from './support/templates';
import { type VisitsTestApp } from './support/visits-test-app';
import { startVisitsWithUploads, type VisitsWithUploads } from './support/visits-with-uploads';

type CheckInEventType = Extract<EventType, `fieldforce.checkins.check-in.${string}`>;

const RECORDED = 'fieldforce.checkins.check-in.recorded.v1';
const CHECKED_OUT = 'fieldforce.checkins.check-in.checked-out.v1';
const REVIEWED = 'fieldforce.checkins.check-in.reviewed.v1';

describe(VisitExecution.name, () => {
  // The report's photos are complete uploads of the rep in sync (a real process), as visits verifies them.
  let running: VisitsWithUploads;
  let shelfPhotos: { shelf: { photoUploadIds: string[] } };
  let service: VisitsTestApp;
  let app: NestFastifyApplication;
  let publisher: TestEventPublisher;
  /** Publishes a check-in event as the checkins service would; `id` repeats an event (a redelivery). Answers the event id. */
  const checkIns = {
    publish: async (type: CheckInEventType, checkIn: CheckInState, id?: string): Promise<string> => {
      const event = createEvent(type, { subject: checkIn.id, tenantId: checkIn.tenantId, data: { checkIn }, id });
      await publisher.publish(event);
      return event.id;
    },
  };
  let taskEvents: KafkaTopicCollector;
  const tenantId = randomUUID();
  const repId = randomUUID();
  const otherRepId = randomUUID();
  let admin: Record<string, string>;
  let rep: Record<string, string>;
  // Grade A needs two shelf photos reported; grade B only the check-in and check-out.
  const shop = customerState(tenantId, { grade: 'A', ownerId: repId, orgPath: 'hq.north' });
  const kiosk = customerState(tenantId, { grade: 'B', ownerId: repId, orgPath: 'hq.north' });

  beforeAll(async () => {
    running = await startVisitsWithUploads();
    service = running.service;
    app = service.app;
    publisher = await TestEventPublisher.connect(service.kafka, 'checkins');
    taskEvents = await KafkaTopicCollector.start(service.kafka, service.kafka.topicPrefix + Topics.visits.task);
    admin = { authorization: `Bearer ${await service.jwks.sign({ sub: randomUUID(), tid: tenantId, roles: ['admin'], org: 'hq' })}` };
    const repToken = await service.jwks.sign({ sub: repId, tid: tenantId, roles: ['rep'], org: 'hq.north' });
    rep = { authorization: `Bearer ${repToken}` };
    shelfPhotos = { shelf: { photoUploadIds: [await running.sync.upload(repToken, randomBytes(2048)), await running.sync.upload(repToken, randomBytes(2048))] } };
    await seedCustomers(app, [shop, kiosk]);
    await app.inject({ method: 'POST', url: '/api/v1/visit-templates', headers: admin, payload: templateInput() });
    await app.inject({
      method: 'POST',
      url: '/api/v1/visit-templates',
      headers: admin,
      payload: templateInput({ name: 'Quick', grades: ['B'], steps: [{ key: 'arrive', type: 'check-in', required: true }, { key: 'leave', type: 'check-out', required: true }] }),
    });
  }, 180_000);

  afterAll(async () => {
    await taskEvents?.stop();
    await publisher?.disconnect();
    await running?.close();
  });

  const createTask = async (customerId: string, dueDate: string, assigneeId = repId) =>
    (await app.inject({ method: 'POST', url: '/api/v1/visit-tasks', headers: admin, payload: { customerId, dueDate, assigneeId } })).json();
  const readTask = async (id: string) => (await app.inject({ method: 'GET', url: `/api/v1/visit-tasks/${id}`, headers: admin })).json();
  const statusOf = async (id: string): Promise<string> => (await readTask(id)).status;
  const typesOf = (taskId: string): string[] =>
    taskEvents.records.filter((record) => record.key === taskId).map((record) => (JSON.parse(record.value) as { type: string }).type.split('.')[3]!);
  const storedCheckIn = async (id: string) =>
    (await app.get(DataSource).query<{ task_id: string | null; status: string; checked_out_at: Date | null }[]>('SELECT * FROM visits.check_ins WHERE id = $1', [id]))[0];

  it("starts the assignee's task on check-in, keeps it in progress at a check-out before the report, and completes it when the report comes", async () => {
    const task = await createTask(shop.id, '2031-03-07');
    const visit = checkInState(tenantId, repId, shop.id, '2031-03-05T09:00:00.000Z');

    await checkIns.publish(RECORDED, visit);
    await eventually('the check-in starts the task', async () => (await statusOf(task.id)) === 'in_progress');
    expect(await readTask(task.id)).toMatchObject({ startedAt: '2031-03-05T09:00:00.000Z', assigneeId: repId });

    await checkIns.publish(CHECKED_OUT, checkedOut(visit, '2031-03-05T09:40:00.000Z'));
    await eventually('the check-out is stored', async () => (await storedCheckIn(visit.id))?.checked_out_at != null);
    expect(await storedCheckIn(visit.id)).toMatchObject({ task_id: task.id, status: 'verified' });
    expect(await statusOf(task.id)).toBe('in_progress');

    const report = await app.inject({ method: 'POST', url: `/api/v1/visit-tasks/${task.id}/report`, headers: rep, payload: { answers: shelfPhotos } });
    expect(report.statusCode).toBe(201);
    expect(await readTask(task.id)).toMatchObject({ status: 'completed', completedAt: '2031-03-05T09:40:00.000Z' });
    await taskEvents.waitFor((record) => record.key === task.id, 5);
    expect(typesOf(task.id)).toEqual(['planned', 'dispatched', 'started', 'reported', 'completed']);
  });

  it('completes at the check-out when the required steps were reported before it', async () => {
    const task = await createTask(shop.id, '2031-03-14');
    const visit = checkInState(tenantId, repId, shop.id, '2031-03-12T10:00:00.000Z', { taskId: task.id });
    await checkIns.publish(RECORDED, visit);
    await eventually('the check-in starts the task', async () => (await statusOf(task.id)) === 'in_progress');
    await app.inject({ method: 'POST', url: `/api/v1/visit-tasks/${task.id}/report`, headers: rep, payload: { answers: shelfPhotos } });
    expect(await statusOf(task.id)).toBe('in_progress');

    await checkIns.publish(CHECKED_OUT, checkedOut(visit, '2031-03-12T10:25:00.000Z'));

    await eventually('the check-out completes the task', async () => (await statusOf(task.id)) === 'completed');
    expect(await readTask(task.id)).toMatchObject({ completedAt: '2031-03-12T10:25:00.000Z' });
  });

  it('starts the task the check-in names, and nothing for another rep, another customer or a task of someone else', async () => {
    const later = await createTask(kiosk.id, '2031-04-20');
    const named = await createTask(kiosk.id, '2031-04-30');
    const foreign = await createTask(kiosk.id, '2031-04-18', otherRepId);
    const elsewhere = await createTask(shop.id, '2031-04-19');

    const visits = [
      checkInState(tenantId, otherRepId, kiosk.id, '2031-04-15T08:00:00.000Z', { taskId: named.id }),
      checkInState(tenantId, repId, shop.id, '2031-04-15T08:30:00.000Z', { taskId: named.id }),
      checkInState(tenantId, repId, kiosk.id, '2031-04-15T09:00:00.000Z', { taskId: foreign.id }),
      checkInState(tenantId, repId, kiosk.id, '2031-04-15T10:00:00.000Z', { taskId: named.id }),
    ];
    for (const visit of visits) await checkIns.publish(RECORDED, visit);

    await eventually('every check-in is stored', async () => (await Promise.all(visits.map((visit) => storedCheckIn(visit.id)))).every(Boolean));
    expect(await statusOf(named.id)).toBe('in_progress');
    expect((await Promise.all(visits.map((visit) => storedCheckIn(visit.id)))).map((row) => row?.task_id)).toEqual([null, null, null, named.id]);
    expect(await Promise.all([later, foreign, elsewhere].map((task) => statusOf(task.id)))).toEqual(['planned', 'planned', 'planned']);
  });

  it("without a task id picks the assignee's open task there due soonest from the visit's day, not an overdue or a finished one", async () => {
    const customer = customerState(tenantId, { grade: 'B', ownerId: repId, orgPath: 'hq.north' });
    await seedCustomers(app, [customer]);
    const overdue = await createTask(customer.id, '2031-05-04');
    const cancelled = await createTask(customer.id, '2031-05-06');
    await app.inject({ method: 'POST', url: `/api/v1/visit-tasks/${cancelled.id}/cancel`, headers: admin, payload: { reason: 'closed' } });
    const soonest = await createTask(customer.id, '2031-05-09');
    const next = await createTask(customer.id, '2031-05-16');

    await checkIns.publish(RECORDED, checkInState(tenantId, repId, customer.id, '2031-05-05T09:00:00.000Z'));

    await eventually('the soonest task starts', async () => (await statusOf(soonest.id)) === 'in_progress');
    expect(await Promise.all([overdue, cancelled, next].map((task) => statusOf(task.id)))).toEqual(['planned', 'cancelled', 'planned']);
  });

  it('takes a redelivered, reordered or late-arriving feed without a second effect', async () => {
    const task = await createTask(kiosk.id, '2031-06-06');
    const visit = checkInState(tenantId, repId, kiosk.id, '2031-06-04T09:00:00.000Z', { status: 'flagged', reasons: ['OUTSIDE_GEOFENCE'], trustScore: 60 });
    const out = checkedOut(visit, '2031-06-04T09:20:00.000Z');

    // The check-out arrives first (the recorded event was late): it starts and completes the task at once.
    const eventId = await checkIns.publish(CHECKED_OUT, out);
    await checkIns.publish(CHECKED_OUT, out, eventId);
    await checkIns.publish(RECORDED, visit);
    await checkIns.publish(CHECKED_OUT, out);
    const reviewed = { ...out, status: 'approved' as const, version: out.version + 1 };
    await checkIns.publish(REVIEWED, reviewed);

    await eventually('the review is stored', async () => (await storedCheckIn(visit.id))?.status === 'approved');
    expect(await readTask(task.id)).toMatchObject({ status: 'completed', startedAt: '2031-06-04T09:00:00.000Z', completedAt: '2031-06-04T09:20:00.000Z', version: 4 });
    await taskEvents.waitFor((record) => record.key === task.id, 4);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(typesOf(task.id)).toEqual(['planned', 'dispatched', 'started', 'completed']);
  });

  it('lets a rejected check-in start nothing', async () => {
    const task = await createTask(kiosk.id, '2031-07-04');
    const visit = checkInState(tenantId, repId, kiosk.id, '2031-07-02T09:00:00.000Z', { status: 'rejected', version: 2 });
    await checkIns.publish(REVIEWED, visit);
    await eventually('the check-in is stored', async () => (await storedCheckIn(visit.id)) !== undefined);
    expect(await statusOf(task.id)).toBe('planned');
  });
});
