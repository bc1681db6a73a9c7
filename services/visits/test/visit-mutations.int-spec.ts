import { randomUUID } from 'node:crypto';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { MutationsService } from '../src/modules/mutations/mutations.service';
import { customerState, seedCustomers } from './support/customers';
import { templateInput } from './support/templates';
import { startVisitsTestApp, type VisitsTestApp } from './support/visits-test-app';

// No photo or signature step: the report's uploads would be verified at sync, which this test does not run (sync's push test does).
const reportSteps = [
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
  { key: 'count', type: 'inventory', required: false },
  { key: 'leave', type: 'check-out', required: true },
];
const goodAnswers = { survey: { values: { stock: 42, mood: 'good' } }, count: { items: [{ product: 'SKU-1', quantity: 6 }] } };

describe(MutationsService.name, () => {
  let service: VisitsTestApp;
  let app: NestFastifyApplication;
  let dataSource: DataSource;
  const tenantId = randomUUID();
  const repId = randomUUID();
  const clientId = randomUUID();
  let mutationId = 0;
  const tokens = { admin: '', rep: '', otherRep: '', supervisor: '' };
  const customer = customerState(tenantId, { grade: 'A', ownerId: repId, orgPath: 'hq.north' });

  beforeAll(async () => {
    service = await startVisitsTestApp();
    app = service.app;
    dataSource = app.get(DataSource);
    tokens.admin = await service.jwks.sign({ sub: randomUUID(), tid: tenantId, roles: ['admin'], org: 'hq' });
    tokens.rep = await service.jwks.sign({ sub: repId, tid: tenantId, roles: ['rep'], org: 'hq.north' });
    tokens.otherRep = await service.jwks.sign({ sub: randomUUID(), tid: tenantId, roles: ['rep'], org: 'hq.north' });
    tokens.supervisor = await service.jwks.sign({ sub: randomUUID(), tid: tenantId, roles: ['supervisor'], org: 'hq.north' });
    await seedCustomers(app, [customer]);
    const template = await app.inject({ method: 'POST', url: '/api/v1/visit-templates', headers: as('admin'), payload: templateInput({ steps: reportSteps }) });
    expect(template.statusCode).toBe(201);
  });

  afterAll(async () => {
    await service?.close();
  });

  function as(who: keyof typeof tokens): Record<string, string> {
    return { authorization: `Bearer ${tokens[who]}` };
  }
  const nextKey = () => `${clientId}:${(mutationId += 1)}`;
  // `null`: no Idempotency-Key header at all.
  const mutate = (who: keyof typeof tokens, body: object, key: string | null = nextKey()) =>
    app.inject({ method: 'POST', url: '/internal/v1/mutations', headers: { ...as(who), ...(key === null ? {} : { 'idempotency-key': key }) }, payload: body });
  const taskUpdate = (id: string, baseVersion: number, changes: object, base: object = {}) => ({ entity: 'visit-task', entityId: id, op: 'update', baseVersion, base, changes });
  const reportCreate = (taskId: string, answers: object, reportId: string = randomUUID()) => ({
    entity: 'visit-report',
    entityId: reportId,
    op: 'create',
    baseVersion: 0,
    changes: { taskId, answers },
  });
  const readTask = async (id: string) => (await app.inject({ method: 'GET', url: `/api/v1/visit-tasks/${id}`, headers: as('admin') })).json();
  const act = (id: string, action: string, payload: object = {}) => app.inject({ method: 'POST', url: `/api/v1/visit-tasks/${id}/${action}`, headers: as('admin'), payload });
  const taskEvents = async (id: string): Promise<{ type: string; version: number }[]> =>
    dataSource.query(
      `SELECT payload->>'type' AS type, (payload->'data'->'task'->>'version')::int AS version FROM visits.outbox WHERE message_key = $1 ORDER BY id`,
      [id],
    );

  /** A task of the rep's customer, dispatched to the rep (or moved further) through REST. */
  async function taskIn(status: 'dispatched' | 'in_progress' | 'cancelled' = 'dispatched'): Promise<{ id: string; version: number; dueDate: string }> {
    const created = await app.inject({ method: 'POST', url: '/api/v1/visit-tasks', headers: as('admin'), payload: { customerId: customer.id, dueDate: '2031-03-04' } });
    expect(created.statusCode).toBe(201);
    const { id } = created.json();
    await act(id, 'dispatch', { assigneeId: repId });
    if (status === 'in_progress') await act(id, 'start');
    if (status === 'cancelled') await act(id, 'cancel', { reason: 'shop closed' });
    return readTask(id);
  }

  describe('visit-task update', () => {
    it('applies a reschedule once: a replay answers the stored result, the same key with another payload is a 422', async () => {
      const task = await taskIn();
      const key = nextKey();
      const body = taskUpdate(task.id, task.version, { dueDate: '2031-03-06' }, { dueDate: task.dueDate });

      const first = await mutate('rep', body, key);
      const replay = await mutate('rep', body, key);
      const otherPayload = await mutate('rep', taskUpdate(task.id, task.version, { dueDate: '2031-03-07' }), key);

      expect(first.statusCode).toBe(200);
      expect(first.json()).toEqual({ status: 'applied', version: task.version + 1, data: expect.objectContaining({ id: task.id, dueDate: '2031-03-06', version: task.version + 1 }) });
      expect(replay.statusCode).toBe(200);
      expect(replay.json()).toEqual(first.json());
      expect(otherPayload.statusCode).toBe(422);
      expect(otherPayload.json()).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
      expect(await readTask(task.id)).toMatchObject({ dueDate: '2031-03-06', version: task.version + 1 });
      expect((await taskEvents(task.id)).filter((event) => event.type === 'fieldforce.visits.task.rescheduled.v1')).toEqual([
        { type: 'fieldforce.visits.task.rescheduled.v1', version: task.version + 1 },
      ]);
    });

    it('moves the task through the same transitions as REST, publishing their events; a status it already has is no change', async () => {
      const task = await taskIn();

      const started = await mutate('rep', taskUpdate(task.id, task.version, { status: 'in_progress' }));
      const again = await mutate('rep', taskUpdate(task.id, task.version, { status: 'in_progress' }));
      const completed = await mutate('rep', taskUpdate(task.id, task.version + 1, { status: 'completed' }));

      expect(started.json()).toMatchObject({ status: 'applied', version: task.version + 1, data: { status: 'in_progress', startedAt: expect.any(String) } });
      expect(again.json()).toMatchObject({ status: 'applied', version: task.version + 1 });
      expect(completed.json()).toMatchObject({ status: 'applied', version: task.version + 2, data: { status: 'completed', completedAt: expect.any(String) } });
      expect((await taskEvents(task.id)).slice(-2)).toEqual([
        { type: 'fieldforce.visits.task.started.v1', version: task.version + 1 },
        { type: 'fieldforce.visits.task.completed.v1', version: task.version + 2 },
      ]);
    });

    it('answers 409 for a transition the task no longer allows, changing nothing (sync records it rejected)', async () => {
      const task = await taskIn('cancelled');

      const response = await mutate('rep', taskUpdate(task.id, task.version - 1, { dueDate: '2031-03-09', status: 'completed' }));

      expect(response.statusCode).toBe(409);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.json()).toMatchObject({ code: 'TASK_ILLEGAL_TRANSITION', details: { currentStatus: 'cancelled', transition: 'complete' } });
      expect(await readTask(task.id)).toEqual(task);
    });

    it('merges a reschedule three-way: the supervisor\'s REST reschedule since the base beats the rep\'s, whose other changes still apply', async () => {
      const task = await taskIn();
      const patched = await app.inject({ method: 'PATCH', url: `/api/v1/visit-tasks/${task.id}`, headers: as('supervisor'), payload: { dueDate: '2031-03-10' } });
      expect(patched.statusCode).toBe(200);

      const response = await mutate('rep', taskUpdate(task.id, task.version, { dueDate: '2031-03-05', status: 'in_progress' }, { dueDate: task.dueDate }));

      expect(response.json()).toMatchObject({
        status: 'merged',
        version: task.version + 2,
        conflicts: [{ field: 'dueDate', base: task.dueDate, server: '2031-03-10', client: '2031-03-05', winner: 'server', rule: 'rank', serverRank: 20, clientRank: 10 }],
        data: { dueDate: '2031-03-10', status: 'in_progress' },
      });
    });

    it("lets the supervisor's offline reschedule win over the rep's earlier one, and a change from the current base apply without conflict", async () => {
      const task = await taskIn();
      expect((await mutate('rep', taskUpdate(task.id, task.version, { dueDate: '2031-03-05' }))).json()).toMatchObject({ status: 'applied' });

      const supervisor = await mutate('supervisor', taskUpdate(task.id, task.version, { dueDate: '2031-03-12' }, { dueDate: task.dueDate }));
      const rep = await mutate('rep', taskUpdate(task.id, task.version + 2, { dueDate: '2031-03-13' }));

      expect(supervisor.json()).toMatchObject({ status: 'merged', conflicts: [{ field: 'dueDate', winner: 'client', rule: 'rank', serverRank: 10, clientRank: 20 }], data: { dueDate: '2031-03-12' } });
      expect(rep.json()).toMatchObject({ status: 'applied', version: task.version + 3, data: { dueDate: '2031-03-13' } });
    });

    it('cancels with a reason for a role allowed to cancel; a rep may not (403), and a cancel needs its reason (400)', async () => {
      const task = await taskIn();

      const byRep = await mutate('rep', taskUpdate(task.id, task.version, { status: 'cancelled', cancelReason: 'closed' }));
      const noReason = await mutate('supervisor', taskUpdate(task.id, task.version, { status: 'cancelled' }));
      const bySupervisor = await mutate('supervisor', taskUpdate(task.id, task.version, { status: 'cancelled', cancelReason: 'closed for good' }));

      expect(byRep.statusCode).toBe(403);
      expect(byRep.json()).toMatchObject({ code: 'AUTH_ACTION_FORBIDDEN' });
      expect(noReason.statusCode).toBe(400);
      expect(noReason.json().errors).toEqual([{ field: 'changes.cancelReason', message: 'is required to cancel a task' }]);
      expect(bySupervisor.json()).toMatchObject({ status: 'applied', data: { status: 'cancelled', cancelReason: 'closed for good' } });
    });

    it("answers 404 for a task outside the user's scope, and for an unknown one", async () => {
      const task = await taskIn();
      const foreign = await mutate('otherRep', taskUpdate(task.id, task.version, { status: 'in_progress' }));
      const unknown = await mutate('rep', taskUpdate(randomUUID(), 1, { status: 'in_progress' }));
      expect([foreign.statusCode, unknown.statusCode]).toEqual([404, 404]);
      expect(foreign.json()).toMatchObject({ code: 'TASK_NOT_FOUND' });
      expect(await readTask(task.id)).toEqual(task);
    });

    it('answers 400 for bad input and 422 for a create or delete of a task, changing nothing', async () => {
      const task = await taskIn();
      const bad = [
        await mutate('rep', taskUpdate(task.id, task.version, { dueDate: 'tomorrow' })),
        await mutate('rep', taskUpdate(task.id, task.version, { status: 'planned' })),
        await mutate('rep', taskUpdate(task.id, task.version, { assigneeId: randomUUID() })),
        await mutate('rep', taskUpdate(task.id, task.version, { version: 9 })),
        await mutate('rep', taskUpdate(task.id, task.version, { cancelReason: 'why' })),
        await mutate('rep', { ...taskUpdate(task.id, task.version, {}), entity: 'visit' }),
        await mutate('rep', { ...taskUpdate(task.id, task.version, {}), entityId: 'nope' }),
        await mutate('rep', taskUpdate(task.id, task.version, { status: 'in_progress' }), null),
      ];
      expect(bad.map((response) => response.statusCode)).toEqual([400, 400, 400, 400, 400, 400, 400, 400]);
      expect(bad.map((response) => response.json().errors?.[0]?.field)).toEqual([
        'changes.dueDate',
        'changes.status',
        'changes.assigneeId',
        'changes.version',
        'changes.cancelReason',
        'entity',
        'entityId',
        'Idempotency-Key',
      ]);
      for (const op of ['create', 'delete']) {
        const response = await mutate('admin', { ...taskUpdate(task.id, 0, {}), op });
        expect(response.statusCode).toBe(422);
        expect(response.json()).toMatchObject({ code: 'VISIT_MUTATION_OP_NOT_SUPPORTED', details: { entity: 'visit-task', op } });
      }
      expect(await readTask(task.id)).toEqual(task);
    });
  });

  describe('visit-report create', () => {
    it('submits the report under the entityId through the REST path, once per key; the same key with other answers is a 422', async () => {
      const task = await taskIn('in_progress');
      const key = nextKey();
      const body = reportCreate(task.id, goodAnswers);

      const first = await mutate('rep', body, key);
      const replay = await mutate('rep', body, key);
      const otherPayload = await mutate('rep', reportCreate(task.id, { ...goodAnswers, survey: { values: { stock: 1 } } }, body.entityId), key);

      expect(first.statusCode).toBe(200);
      expect(first.json()).toEqual({
        status: 'applied',
        version: 1,
        data: expect.objectContaining({ id: body.entityId, taskId: task.id, answers: goodAnswers, submittedBy: repId, templateVersion: 1 }),
      });
      expect(replay.json()).toEqual(first.json());
      expect(otherPayload.statusCode).toBe(422);
      expect(otherPayload.json()).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
      const stored = await app.inject({ method: 'GET', url: `/api/v1/visit-tasks/${task.id}/report`, headers: as('rep') });
      expect(stored.json()).toEqual(first.json().data);
      expect(await readTask(task.id)).toMatchObject({ version: task.version + 1, reportedAt: first.json().data.submittedAt });
      expect((await taskEvents(task.id)).filter((event) => event.type === 'fieldforce.visits.task.reported.v1')).toHaveLength(1);
    });

    it("answers 422 listing each answer the task's template version refuses, and stores nothing", async () => {
      const task = await taskIn('in_progress');

      const response = await mutate('rep', reportCreate(task.id, { survey: { values: { stock: 501, mood: 'meh' } }, arrive: {} }));

      expect(response.statusCode).toBe(422);
      expect(response.json()).toMatchObject({ code: 'REPORT_INVALID_ANSWERS' });
      expect(response.json().errors).toEqual([
        { field: 'answers.arrive', message: 'is a check-in step: the check-ins record it, not the report' },
        { field: 'answers.survey.values.stock', message: 'must be a number from 0 to 500' },
        { field: 'answers.survey.values.mood', message: 'must be one of good, bad' },
      ]);
      expect(await readTask(task.id)).toEqual(task);
    });

    it('keeps one final report per task: another report is a 409, a task taking no report a 409, an update or delete a 422', async () => {
      const task = await taskIn('in_progress');
      const first = await mutate('rep', reportCreate(task.id, goodAnswers));
      expect(first.json()).toMatchObject({ status: 'applied' });

      const second = await mutate('rep', reportCreate(task.id, { ...goodAnswers, survey: { values: { stock: 7 } } }));
      const dispatched = await taskIn();
      const early = await mutate('rep', reportCreate(dispatched.id, goodAnswers));
      const update = await mutate('rep', { ...reportCreate(task.id, goodAnswers, first.json().data.id), op: 'update' });
      const foreign = await mutate('otherRep', reportCreate(dispatched.id, goodAnswers));
      const badChanges = await mutate('rep', { ...reportCreate(task.id, goodAnswers), changes: { taskId: 'x', answers: goodAnswers } });

      expect(second.statusCode).toBe(409);
      expect(second.json()).toMatchObject({ code: 'REPORT_ALREADY_SUBMITTED', details: { reportId: first.json().data.id } });
      expect(early.statusCode).toBe(409);
      expect(early.json()).toMatchObject({ code: 'REPORT_TASK_NOT_REPORTABLE', details: { currentStatus: 'dispatched' } });
      expect(update.statusCode).toBe(422);
      expect(update.json()).toMatchObject({ code: 'VISIT_MUTATION_OP_NOT_SUPPORTED' });
      expect(foreign.statusCode).toBe(404);
      expect(badChanges.statusCode).toBe(400);
      expect(badChanges.json().errors).toEqual([expect.objectContaining({ field: 'changes.taskId' })]);
    });
  });

  it('is not served through the public API prefix, nor documented', async () => {
    const prefixed = await app.inject({ method: 'POST', url: '/api/v1/internal/v1/mutations', headers: { ...as('rep'), 'idempotency-key': nextKey() }, payload: {} });
    expect(prefixed.statusCode).toBe(404);
    const document = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(Object.keys(document.paths).filter((path) => path.includes('internal'))).toEqual([]);
  });
});
