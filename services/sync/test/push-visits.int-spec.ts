import { randomUUID } from 'node:crypto';
import { eventually } from '@fieldforce/testing';
import {
  type MutationResult,
  type PushPlatform,
  type PushUser,
  type PushedMutation,
  type VisitsOwner,
  createCustomer,
  push,
  readCustomer,
  seedTenant,
  startPushPlatform,
  storedResults,
} from './support/push-platform';

/** A device's queue: its client id and the next mutation id. */
class Queue {
  readonly clientId = randomUUID();
  private next = 1;

  add(mutation: Omit<PushedMutation, 'mutationId'>): PushedMutation {
    const queued = { ...mutation, mutationId: this.next };
    this.next += 1;
    return queued;
  }

  customer(customer: { id: string; version: number }, changes: Record<string, unknown>): PushedMutation {
    return this.add({ entity: 'customer', entityId: customer.id, op: 'update', baseVersion: customer.version, base: customer, changes });
  }

  task(task: { id: string; version: number }, changes: Record<string, unknown>): PushedMutation {
    return this.add({ entity: 'visit-task', entityId: task.id, op: 'update', baseVersion: task.version, base: task, changes });
  }

  report(taskId: string, answers: Record<string, unknown>, reportId: string = randomUUID()): PushedMutation {
    return this.add({ entity: 'visit-report', entityId: reportId, op: 'create', baseVersion: 0, base: {}, changes: { taskId, answers } });
  }
}

interface Task {
  id: string;
  version: number;
  status: string;
  dueDate: string;
  reportedAt: string | null;
}

// A form-only visit: a report with photos would also have its uploads verified at sync, which is not what this file tests.
const answers = { survey: { values: { stock: 42, mood: 'good' } } };
const statuses = (results: MutationResult[]) => results.map((result) => result.status);

describe('POST /api/v1/sync/push to visits', () => {
  let platform: PushPlatform;
  let visits: VisitsOwner;
  let rep: PushUser;
  let supervisor: PushUser;
  let customer: Record<string, unknown> & { id: string; version: number };

  beforeAll(async () => {
    platform = await startPushPlatform({ visits: true });
    visits = platform.visits!;
    const tenant = await seedTenant(platform, 1);
    rep = tenant.reps[0]!;
    supervisor = tenant.supervisor;
    customer = await createCustomer(platform, supervisor, { ownerId: rep.id });
    await eventually('visits knows the customer', async () => {
      const { rows } = await platform.db.query('SELECT 1 FROM visits.customers WHERE id = $1', [customer.id]);
      return rows.length === 1;
    });
    const template = await callVisits(supervisor, 'POST', '/api/v1/visit-templates', {
      name: 'Pharmacies',
      grades: ['B'],
      frequency: { every: 2, unit: 'week' },
      expectedDurationMinutes: 20,
      geofenceRadiusMeters: 150,
      steps: [
        { key: 'arrive', type: 'check-in', required: true },
        {
          key: 'survey',
          type: 'form',
          required: true,
          fields: [
            { key: 'stock', type: 'number', required: true, min: 0, max: 500 },
            { key: 'mood', type: 'single-choice', required: false, options: ['good', 'bad'] },
          ],
        },
        { key: 'leave', type: 'check-out', required: true },
      ],
    });
    expect(template.status).toBe(201);
  });

  afterEach(async () => {
    // A test that failed while visits was down must not leave it down for the next one.
    await visits?.ensure();
  });

  afterAll(async () => {
    await platform?.stop();
  });

  async function callVisits(user: PushUser, method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`${visits.process.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${user.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  const readTask = async (id: string): Promise<Task> => (await callVisits(supervisor, 'GET', `/api/v1/visit-tasks/${id}`)).body as unknown as Task;

  /** A task of the customer, planned and dispatched to the rep by the supervisor over REST. */
  async function dispatchedTask(): Promise<Task> {
    const created = await callVisits(supervisor, 'POST', '/api/v1/visit-tasks', { customerId: customer.id, dueDate: '2031-05-06' });
    expect(created.status).toBe(201);
    const dispatched = await callVisits(supervisor, 'POST', `/api/v1/visit-tasks/${String(created.body.id)}/dispatch`, { assigneeId: rep.id });
    expect(dispatched.status).toBe(200);
    return dispatched.body as unknown as Task;
  }

  /** The events visits appended for a task, oldest first. */
  async function taskEvents(taskId: string): Promise<string[]> {
    const { rows } = await platform.db.query<{ type: string }>(`SELECT payload->>'type' AS type FROM visits.outbox WHERE message_key = $1 ORDER BY id`, [taskId]);
    return rows.map((row) => row.type.replace(/^fieldforce\.visits\.task\.|\.v1$/g, ''));
  }

  it('applies a queue mixing customer, task and report mutations in order, stores each result, and answers a replay from them', async () => {
    const [visited, rescheduled] = [await dispatchedTask(), await dispatchedTask()];
    const queue = new Queue();
    const reportId = randomUUID();
    const mutations = [
      queue.customer(customer, { tags: ['pharmacy', 'visited'] }),
      queue.task(visited, { status: 'in_progress' }),
      queue.report(visited.id, answers, reportId),
      queue.task({ ...visited, version: visited.version + 2 }, { status: 'completed' }),
      queue.task(rescheduled, { dueDate: '2031-05-08' }),
      // Still dispatched: completing it without a start is no transition the task has.
      queue.task({ ...rescheduled, version: rescheduled.version + 1 }, { status: 'completed' }),
      queue.customer({ ...customer, version: customer.version + 1 }, { address: 'Invalidenstraße 14' }),
    ];

    const answer = await push(platform.sync, rep, { clientId: queue.clientId, mutations });

    expect(answer.status).toBe(200);
    const results = answer.body.results;
    expect(statuses(results)).toEqual(['applied', 'applied', 'applied', 'applied', 'applied', 'rejected', 'applied']);
    expect(results.map((result) => result.mutationId)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(results[1]).toMatchObject({ version: visited.version + 1, data: { id: visited.id, status: 'in_progress' } });
    expect(results[2]).toMatchObject({ version: 1, data: { id: reportId, taskId: visited.id, answers, submittedBy: rep.id } });
    expect(results[3]).toMatchObject({ version: visited.version + 3, data: { status: 'completed', reportedAt: expect.any(String) } });
    expect(results[4]).toMatchObject({ version: rescheduled.version + 1, data: { dueDate: '2031-05-08', status: 'dispatched' } });
    expect(results[5]!.problem).toMatchObject({ status: 409, code: 'TASK_ILLEGAL_TRANSITION', details: { currentStatus: 'dispatched', transition: 'complete' } });
    expect(results[6]).toMatchObject({ version: customer.version + 2, data: { tags: ['pharmacy', 'visited'], address: 'Invalidenstraße 14' } });
    expect(await storedResults(platform, queue.clientId)).toEqual(results);

    expect(await readTask(visited.id)).toMatchObject({ status: 'completed', version: visited.version + 3 });
    expect(await readTask(rescheduled.id)).toMatchObject({ status: 'dispatched', dueDate: '2031-05-08', version: rescheduled.version + 1 });
    expect((await callVisits(rep, 'GET', `/api/v1/visit-tasks/${visited.id}/report`)).body).toEqual(results[2]!.data);
    expect((await readCustomer(platform, rep, customer.id)).body).toMatchObject({ version: customer.version + 2 });

    // The device did not hear the answer and pushes the same queue again: the stored results, no owner asked again.
    const replay = await push(platform.sync, rep, { clientId: queue.clientId, mutations });
    expect(replay.body.results).toEqual(results);
    for (const mutation of mutations) {
      const proxy = mutation.entity === 'customer' ? platform.proxy : visits.proxy;
      expect(proxy.answeredCount(`${queue.clientId}:${mutation.mutationId}`)).toBe(1);
    }
    expect(await taskEvents(visited.id)).toEqual(['planned', 'dispatched', 'started', 'reported', 'completed']);
    expect(await taskEvents(rescheduled.id)).toEqual(['planned', 'dispatched', 'rescheduled']);
    customer = (await readCustomer(platform, rep, customer.id)).body as typeof customer;
  });

  it('answers retry for a task mutation while visits is down and pending after it, then applies them once visits is back', async () => {
    const task = await dispatchedTask();
    const queue = new Queue();
    const mutations = [
      queue.customer(customer, { tags: ['pharmacy', 'night'] }),
      queue.task(task, { status: 'in_progress' }),
      queue.report(task.id, answers),
      queue.customer({ ...customer, version: customer.version + 1 }, { address: 'Invalidenstraße 16' }),
    ];
    await visits.kill();

    const during = await push(platform.sync, rep, { clientId: queue.clientId, mutations });

    expect(during.status).toBe(200);
    expect(statuses(during.body.results)).toEqual(['applied', 'retry', 'pending', 'pending']);
    expect(during.body.results[1]!.problem).toMatchObject({ status: 503, code: 'SYNC_OWNER_UNAVAILABLE' });
    expect(during.body.results[2]!.problem).toMatchObject({ code: 'SYNC_MUTATION_NOT_ATTEMPTED' });
    expect(statuses(await storedResults(platform, queue.clientId))).toEqual(['applied']);
    expect((await readCustomer(platform, rep, customer.id)).body).toMatchObject({ tags: ['pharmacy', 'night'], address: customer.address });

    await visits.ensure();
    const after = await push(platform.sync, rep, { clientId: queue.clientId, mutations: mutations.slice(1) });

    expect(statuses(after.body.results)).toEqual(['applied', 'applied', 'applied']);
    expect(after.body.results[0]).toMatchObject({ mutationId: 2, data: { status: 'in_progress' } });
    expect(after.body.results[1]).toMatchObject({ mutationId: 3, data: { taskId: task.id, answers } });
    expect(statuses(await storedResults(platform, queue.clientId))).toEqual(['applied', 'applied', 'applied', 'applied']);
    expect(await readTask(task.id)).toMatchObject({ status: 'in_progress', reportedAt: expect.any(String), version: task.version + 2 });
    expect((await readCustomer(platform, rep, customer.id)).body).toMatchObject({ address: 'Invalidenstraße 16' });
    const status = await fetch(`${platform.sync.url}/api/v1/sync/status?clientId=${queue.clientId}`, { headers: { authorization: `Bearer ${rep.token}` } });
    expect(await status.json()).toMatchObject({ lastMutationId: 4 });
  });
});
