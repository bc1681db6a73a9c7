import { randomUUID } from 'node:crypto';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { type CustomerState, type ReminderState, Topics } from '@fieldforce/contracts';
import { KafkaTopicCollector, testRedis } from '@fieldforce/testing';
import { ReminderScheduler } from '../src/modules/reminders/reminder-scheduler';
import { RemindersService } from '../src/modules/reminders/reminders.service';
import { customerState, seedCustomers } from './support/customers';
import { templateInput } from './support/templates';
import { startVisitsTestApp, type VisitsTestApp } from './support/visits-test-app';

const DAY_MS = 86_400_000;
const utcDate = (offsetDays: number) => new Date(Date.now() + offsetDays * DAY_MS).toISOString().slice(0, 10);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits out a UTC midnight less than `marginMs` away. The file's dates are UTC days read once at
 * the start ("today", "yesterday", this week's cycle) while the schedulers read the real clock:
 * past midnight the task due today would fire as overdue, and this week's cycle would be over.
 */
async function clearOfUtcMidnight(marginMs: number): Promise<void> {
  const untilMidnight = DAY_MS - (Date.now() % DAY_MS);
  if (untilMidnight < marginMs) await sleep(untilMidnight + 1_000);
}

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await sleep(100);
  }
}

describe(RemindersService.name, () => {
  // One app to write the test data (the test apps' scheduler is off unless asked for), two scheduler replicas over the same
  // database and Redis namespace; a namespace of their own, so other test files' apps do not lead them.
  let setup: VisitsTestApp;
  let replicas: VisitsTestApp[] = [];
  let events: KafkaTopicCollector;
  const schedulerEnv = {
    REMINDER_TICK_INTERVAL_MS: '200',
    REMINDER_LEADER_TTL_MS: '900',
    // A week and a day: every weekly cycle under way is "near its end".
    REMINDER_VISIT_DUE_LEAD_HOURS: '192',
    REDIS_KEY_PREFIX: `${testRedis().keyPrefix}reminders-${randomUUID()}:`,
  };
  const tenantId = randomUUID();
  const repId = randomUUID();
  const otherRepId = randomUUID();
  let admin: Record<string, string>;
  let rep: Record<string, string>;
  let otherRep: Record<string, string>;
  const shop = (name: string, ownerId = repId) => customerState(tenantId, { name, grade: 'A', ownerId, orgPath: 'hq.north' });
  const lateShop = shop('Late shop');
  const todayShop = shop('Due today');
  const longAgoShop = shop('Long overdue');
  const cycleShop = shop('Cycle without visit');
  const visitedShop = shop('Cycle with a visit');
  const othersShop = shop('Other rep', otherRepId);
  let db: DataSource;
  let app: NestFastifyApplication;

  const post = async (url: string, payload: Record<string, unknown> = {}, headers = admin) => {
    const response = await app.inject({ method: 'POST', url, headers, payload });
    expect(response.statusCode).toBeLessThan(300);
    return response.json();
  };
  const createTask = async (customer: CustomerState, dueDate: string) => (await post('/api/v1/visit-tasks', { customerId: customer.id, dueDate })).id as string;
  const complete = async (taskId: string) => {
    await post(`/api/v1/visit-tasks/${taskId}/dispatch`, { assigneeId: repId });
    await post(`/api/v1/visit-tasks/${taskId}/start`);
    await post(`/api/v1/visit-tasks/${taskId}/complete`);
  };
  const remindersOf = (taskIds: string[]) =>
    db.query<{ id: string; kind: string; task_id: string; status: string; fence_token: string }[]>(
      'SELECT id, kind, task_id, status, fence_token FROM visits.reminders WHERE task_id = ANY($1) ORDER BY kind, task_id',
      [taskIds],
    );
  const reminderEvents = (id: string) => events.records.filter((record) => record.key === id);
  const leaders = () => replicas.filter((replica) => replica.app.get(ReminderScheduler).lock.token !== undefined);

  let lateTask: string;
  let todayTask: string;
  let longAgoTask: string;
  let othersTask: string;
  let cycleTask: string;
  let visitedCycleTask: string;

  beforeAll(async () => {
    // Three minutes: far more than the file takes, even on a slow machine.
    await clearOfUtcMidnight(3 * 60_000);
    setup = await startVisitsTestApp();
    app = setup.app;
    db = app.get(DataSource);
    events = await KafkaTopicCollector.start(setup.kafka, setup.kafka.topicPrefix + Topics.visits.reminder);
    admin = { authorization: `Bearer ${await setup.jwks.sign({ sub: randomUUID(), tid: tenantId, roles: ['admin'], org: 'hq' })}` };
    await post('/api/v1/visit-templates', templateInput());
    // This week's cycle tasks of the two cycle customers (known before the others); one of them was visited this week already.
    await seedCustomers(app, [cycleShop, visitedShop]);
    await post('/api/v1/visit-plans/generate', { from: utcDate(0), to: utcDate(0), ownerIds: [repId] });
    const cycleTasks = await db.query<{ id: string; customer_id: string }[]>(
      'SELECT id, customer_id FROM visits.visit_tasks WHERE customer_id = ANY($1) AND cycle_key IS NOT NULL',
      [[cycleShop.id, visitedShop.id]],
    );
    cycleTask = cycleTasks.find((task) => task.customer_id === cycleShop.id)!.id;
    visitedCycleTask = cycleTasks.find((task) => task.customer_id === visitedShop.id)!.id;
    await complete(await createTask(visitedShop, utcDate(0)));
    await seedCustomers(app, [lateShop, todayShop, longAgoShop, othersShop]);
    lateTask = await createTask(lateShop, utcDate(-1));
    todayTask = await createTask(todayShop, utcDate(0));
    longAgoTask = await createTask(longAgoShop, utcDate(-10));
    othersTask = await createTask(othersShop, utcDate(-2));

    replicas = [await startVisitsTestApp({ ...schedulerEnv, REMINDERS_ENABLED: 'true' }), await startVisitsTestApp({ ...schedulerEnv, REMINDERS_ENABLED: 'true' })];
    // REST calls go to the setup app: any replica answers them alike.
    rep = { authorization: `Bearer ${await setup.jwks.sign({ sub: repId, tid: tenantId, roles: ['rep'], org: 'hq.north' })}` };
    otherRep = { authorization: `Bearer ${await setup.jwks.sign({ sub: otherRepId, tid: tenantId, roles: ['rep'], org: 'hq.north' })}` };
  }, 400_000);

  afterAll(async () => {
    await events?.stop();
    for (const replica of replicas) await replica.close();
    await setup?.close();
  });

  it('fires each due reminder exactly once with two scheduler replicas running, one of them leading', async () => {
    const watched = [lateTask, todayTask, longAgoTask, othersTask, cycleTask, visitedCycleTask];
    const fired = await eventually(() => remindersOf(watched), (rows) => rows.length >= 3);
    // Let both replicas tick a few more times: nothing fires twice.
    await sleep(1_500);

    expect(await remindersOf(watched)).toEqual(fired);
    expect(fired.map((row) => [row.kind, row.task_id])).toEqual(
      [
        ['task-overdue', lateTask],
        ['task-overdue', othersTask],
        ['visit-due', cycleTask],
      ].sort(([kindA, taskA], [kindB, taskB]) => (kindA === kindB ? (taskA! < taskB! ? -1 : 1) : kindA! < kindB! ? -1 : 1)),
    );
    expect(leaders()).toHaveLength(1);
    for (const row of fired) {
      const [record] = await events.waitFor((candidate) => candidate.key === row.id);
      expect(JSON.parse(record!.value)).toMatchObject({
        type: `fieldforce.visits.reminder.${row.kind}.v1`,
        subject: row.id,
        tenantid: tenantId,
        data: { reminder: { id: row.id, kind: row.kind, taskId: row.task_id, status: 'open' } },
      });
    }
    await sleep(500);
    for (const row of fired) expect(reminderEvents(row.id)).toHaveLength(1);
  });

  it('refuses the writes of a scheduler whose fencing token is older than one already used', async () => {
    const scheduler = leaders()[0]!.app.get(ReminderScheduler);
    const current = scheduler.lock.token!;
    const stale = await replicas[0]!.app.get(RemindersService).runPass(scheduler.fence, current - 1 > 0 ? current - 1 : 0);

    expect(stale).toEqual({ fenced: true, resolved: 0, fired: [] });
  });

  it('lists the caller’s open reminders a page at a time, and dismisses one (again: unchanged; someone else’s: 404)', async () => {
    const api = app;
    const seen: ReminderState[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `status=open&limit=1${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await api.inject({ method: 'GET', url: `/api/v1/reminders?${query}`, headers: rep });
      expect(page.statusCode).toBe(200);
      seen.push(...page.json().items);
      cursor = page.json().nextCursor;
    } while (cursor);
    expect(seen.map((reminder) => reminder.taskId).sort()).toEqual([lateTask, cycleTask].sort());
    expect(seen.every((reminder) => reminder.recipientId === repId && reminder.status === 'open')).toBe(true);
    const visitDue = seen.find((reminder) => reminder.kind === 'visit-due')!;
    expect(visitDue.cycleKey).toMatch(/^1w:\d{4}-\d{2}-\d{2}$/);

    const notMine = await api.inject({ method: 'POST', url: `/api/v1/reminders/${visitDue.id}/dismiss`, headers: otherRep });
    expect(notMine.statusCode).toBe(404);
    expect(notMine.headers['content-type']).toContain('application/problem+json');
    const dismissed = await api.inject({ method: 'POST', url: `/api/v1/reminders/${visitDue.id}/dismiss`, headers: rep });
    expect(dismissed.json()).toMatchObject({ id: visitDue.id, status: 'dismissed', closedBy: repId, version: 2, closedAt: expect.any(String) });
    const again = await api.inject({ method: 'POST', url: `/api/v1/reminders/${visitDue.id}/dismiss`, headers: rep });
    expect([again.statusCode, again.json()]).toEqual([200, dismissed.json()]);

    const open = (await api.inject({ method: 'GET', url: '/api/v1/reminders?status=open', headers: rep })).json();
    expect(open.items.map((reminder: ReminderState) => reminder.id)).not.toContain(visitDue.id);
    const others = (await api.inject({ method: 'GET', url: '/api/v1/reminders', headers: otherRep })).json();
    expect(others.items.map((reminder: ReminderState) => reminder.taskId)).toEqual([othersTask]);
  });

  it('closes a reminder by itself when its task completes, and then refuses to dismiss it', async () => {
    const api = app;
    const [overdue] = (await api.inject({ method: 'GET', url: '/api/v1/reminders?status=open', headers: rep })).json().items as ReminderState[];
    expect(overdue!.taskId).toBe(lateTask);

    await complete(lateTask);

    const open = (await api.inject({ method: 'GET', url: '/api/v1/reminders?status=open', headers: rep })).json();
    expect(open.items).toEqual([]);
    const resolved = (await api.inject({ method: 'GET', url: '/api/v1/reminders?status=resolved', headers: rep })).json();
    expect(resolved.items).toEqual([expect.objectContaining({ id: overdue!.id, status: 'resolved', closedBy: null, closedAt: expect.any(String) })]);
    const refused = await api.inject({ method: 'POST', url: `/api/v1/reminders/${overdue!.id}/dismiss`, headers: rep });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'REMINDER_ALREADY_CLOSED', details: { currentStatus: 'resolved' } });
    // The scheduler writes the closing down on its next pass.
    const [row] = await eventually(() => remindersOf([lateTask]), (rows) => rows[0]?.status === 'resolved');
    expect(row!.status).toBe('resolved');
  });

  it('keeps firing after the leader stops: the other replica takes over within the lock TTL', async () => {
    const [leader] = leaders();
    const follower = replicas.find((replica) => replica !== leader)!;
    const previousToken = leader!.app.get(ReminderScheduler).lock.token!;
    await leader!.close();
    replicas = [follower];
    const lateAfterFailover = shop('Late after the failover');
    await seedCustomers(app, [lateAfterFailover]);
    const newlyLate = await createTask(lateAfterFailover, utcDate(-1));

    const rows = await eventually(() => remindersOf([newlyLate]), (found) => found.length > 0, 5_000);

    expect(rows).toHaveLength(1);
    expect(Number(rows[0]!.fence_token)).toBeGreaterThan(previousToken);
    expect(follower.app.get(ReminderScheduler).lock.token).toBe(Number(rows[0]!.fence_token));
  });

  it.each([
    ['a status that does not exist', 'GET', '/api/v1/reminders?status=snoozed', 400],
    ['a cursor limit beyond 200', 'GET', '/api/v1/reminders?limit=500', 400],
    ['a reminder id that is not a UUID', 'POST', '/api/v1/reminders/abc/dismiss', 400],
    ['an unknown reminder', 'POST', `/api/v1/reminders/${randomUUID()}/dismiss`, 404],
  ] as const)('answers %s with a problem and changes nothing', async (_, method, url, status) => {
    const response = await app.inject({ method, url, headers: rep });

    expect(response.statusCode).toBe(status);
    expect(response.headers['content-type']).toContain('application/problem+json');
  });
});
