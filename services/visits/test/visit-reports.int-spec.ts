import { randomBytes, randomUUID } from 'node:crypto';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { type CloudEvent, Topics } from '@fieldforce/contracts';
import { KafkaTopicCollector, type SyncUploads, whileSyncFrozen } from '@fieldforce/testing';
import { VisitReportsController } from '../src/modules/visit-reports/visit-reports.controller';
import { customerState, seedCustomers } from './support/customers';
import { templateInput } from './support/templates';
import { startVisitsWithUploads, type VisitsWithUploads } from './support/visits-with-uploads';

const photo = (n: number) => `0190d6b0-8888-7888-8888-${String(n).padStart(12, '0')}`;

const reportSteps = [
  { key: 'arrive', type: 'check-in', required: true },
  { key: 'shelf', type: 'photo', required: true, minCount: 2 },
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

/** Valid answers whose shelf photos are `photoUploadIds`. */
const answersWith = (photoUploadIds: string[]) => ({
  shelf: { photoUploadIds },
  survey: { values: { stock: 42, mood: 'good' } },
  count: { items: [{ product: 'SKU-1', quantity: 6, facings: 2 }] },
});

// Photos and signatures are uploads in sync (a real process here), verified before a report is stored.
describe(VisitReportsController.name, () => {
  let running: VisitsWithUploads;
  let sync: SyncUploads;
  let app: NestFastifyApplication;
  let events: KafkaTopicCollector;
  const tenantId = randomUUID();
  const repId = randomUUID();
  let admin: Record<string, string>;
  let rep: Record<string, string>;
  let otherRep: Record<string, string>;
  let repToken: string;
  let otherRepToken: string;
  /** Valid answers with two complete shelf photos of the rep. */
  let goodAnswers: ReturnType<typeof answersWith>;
  let templateId: string;
  const customer = customerState(tenantId, { grade: 'A', ownerId: repId, orgPath: 'hq.north' });

  beforeAll(async () => {
    running = await startVisitsWithUploads();
    const { service } = running;
    sync = running.sync;
    app = service.app;
    events = await KafkaTopicCollector.start(service.kafka, service.kafka.topicPrefix + Topics.visits.task);
    admin = { authorization: `Bearer ${await service.jwks.sign({ sub: randomUUID(), tid: tenantId, roles: ['admin'], org: 'hq' })}` };
    repToken = await service.jwks.sign({ sub: repId, tid: tenantId, roles: ['rep'], org: 'hq.north' });
    otherRepToken = await service.jwks.sign({ sub: randomUUID(), tid: tenantId, roles: ['rep'], org: 'hq.north' });
    rep = { authorization: `Bearer ${repToken}` };
    otherRep = { authorization: `Bearer ${otherRepToken}` };
    goodAnswers = answersWith([await sync.upload(repToken, randomBytes(2048)), await sync.upload(repToken, randomBytes(2048))]);
    await seedCustomers(app, [customer]);
    templateId = (await app.inject({ method: 'POST', url: '/api/v1/visit-templates', headers: admin, payload: templateInput({ steps: reportSteps }) })).json().id;
  }, 180_000);

  afterAll(async () => {
    await events?.stop();
    await running?.close();
  });

  const act = (id: string, action: string, payload: Record<string, unknown> = {}) =>
    app.inject({ method: 'POST', url: `/api/v1/visit-tasks/${id}/${action}`, headers: admin, payload });
  const readTask = async (id: string) => (await app.inject({ method: 'GET', url: `/api/v1/visit-tasks/${id}`, headers: admin })).json();

  /** A task of the customer moved to `status` through the REST lifecycle. */
  async function taskIn(status: 'planned' | 'in_progress' | 'completed' | 'cancelled'): Promise<{ id: string; version: number }> {
    const task = (await app.inject({ method: 'POST', url: '/api/v1/visit-tasks', headers: admin, payload: { customerId: customer.id, dueDate: '2031-03-04' } })).json();
    if (status === 'cancelled') await act(task.id, 'cancel', { reason: 'closed' });
    if (status === 'in_progress' || status === 'completed') {
      await act(task.id, 'dispatch', { assigneeId: repId });
      await act(task.id, 'start');
    }
    if (status === 'completed') await act(task.id, 'complete');
    return readTask(task.id);
  }
  const submit = (taskId: string, answers: unknown, headers: Record<string, string> = rep, extra: Record<string, unknown> = {}) =>
    app.inject({ method: 'POST', url: `/api/v1/visit-tasks/${taskId}/report`, headers, payload: { answers, ...extra } });

  it('answers 422 listing each missing required step and bad answer, and stores nothing', async () => {
    const task = await taskIn('in_progress');

    const response = await submit(task.id, { shelf: { photoUploadIds: [photo(1)] }, survey: { values: { stock: 501, mood: 'meh' } }, arrive: {}, extra: {} });

    expect(response.statusCode).toBe(422);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({ status: 422, code: 'REPORT_INVALID_ANSWERS' });
    expect(response.json().errors).toEqual([
      { field: 'answers.arrive', message: 'is a check-in step: the check-ins record it, not the report' },
      { field: 'answers.extra', message: "is no step of the task's template version" },
      { field: 'answers.shelf.photoUploadIds', message: 'needs at least 2 photo(s), got 1' },
      { field: 'answers.survey.values.stock', message: 'must be a number from 0 to 500' },
      { field: 'answers.survey.values.mood', message: 'must be one of good, bad' },
    ]);
    const missing = await submit(task.id, { count: goodAnswers.count });
    expect(missing.json().errors).toEqual([
      { field: 'answers.shelf', message: 'is a required photo step' },
      { field: 'answers.survey', message: 'is a required form step' },
    ]);
    expect((await app.inject({ method: 'GET', url: `/api/v1/visit-tasks/${task.id}/report`, headers: rep })).statusCode).toBe(404);
    expect(await readTask(task.id)).toMatchObject({ version: task.version, reportedAt: null });
  });

  it('answers 400 for a body without answers or with a bad report id, before looking at the task', async () => {
    const task = await taskIn('in_progress');
    const noAnswers = await app.inject({ method: 'POST', url: `/api/v1/visit-tasks/${task.id}/report`, headers: rep, payload: {} });
    const badId = await submit(task.id, goodAnswers, rep, { id: 'nope' });
    expect([noAnswers.statusCode, badId.statusCode]).toEqual([400, 400]);
    expect(badId.json().errors).toEqual([expect.objectContaining({ field: 'id' })]);
  });

  it('stores a valid report, stamps the task and publishes task.reported carrying the report', async () => {
    const task = await taskIn('in_progress');

    const response = await submit(task.id, goodAnswers);

    expect(response.statusCode).toBe(201);
    const report = response.json();
    expect(report).toMatchObject({ taskId: task.id, templateId, templateVersion: 1, answers: goodAnswers, submittedBy: repId });
    expect(await readTask(task.id)).toMatchObject({ status: 'in_progress', version: task.version + 1, reportedAt: report.submittedAt });
    expect((await app.inject({ method: 'GET', url: `/api/v1/visit-tasks/${task.id}/report`, headers: rep })).json()).toEqual(report);
    const [record] = await events.waitFor((candidate) => candidate.key === task.id && candidate.value.includes('task.reported'));
    const event = JSON.parse(record!.value) as CloudEvent<{ task: { reportedAt: string; version: number }; changedFields: string[]; report: unknown }>;
    expect(event.data).toEqual({ task: expect.objectContaining({ reportedAt: report.submittedAt, version: task.version + 1 }), changedFields: ['reportedAt'], report });
  });

  it('answers the same report for the same answers or Idempotency-Key, publishing once; other answers are a 409', async () => {
    const task = await taskIn('in_progress');
    const key = { ...rep, 'idempotency-key': `report-${task.id}` };

    const first = await submit(task.id, goodAnswers, key);
    const replayedKey = await submit(task.id, goodAnswers, key);
    const sameAnswers = await submit(task.id, { ...goodAnswers });
    const otherBodySameKey = await submit(task.id, { ...goodAnswers, count: undefined }, key);
    const otherAnswers = await submit(task.id, { shelf: goodAnswers.shelf, survey: { values: { stock: 1 } } });

    expect([first.statusCode, replayedKey.statusCode, sameAnswers.statusCode]).toEqual([201, 201, 201]);
    expect(replayedKey.json()).toEqual(first.json());
    expect(sameAnswers.json()).toEqual(first.json());
    expect(otherBodySameKey.statusCode).toBe(422);
    expect(otherAnswers.statusCode).toBe(409);
    expect(otherAnswers.json()).toMatchObject({ code: 'REPORT_ALREADY_SUBMITTED', details: { reportId: first.json().id } });
    expect(await readTask(task.id)).toMatchObject({ version: task.version + 1 });
    await events.waitFor((candidate) => candidate.key === task.id && candidate.value.includes('task.reported'));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(events.records.filter((candidate) => candidate.key === task.id && candidate.value.includes('task.reported'))).toHaveLength(1);
  });

  it('takes a report for a completed task, and answers 409 naming the status for a planned or cancelled one', async () => {
    const completed = await taskIn('completed');
    expect((await submit(completed.id, goodAnswers)).statusCode).toBe(201);

    for (const status of ['planned', 'cancelled'] as const) {
      const task = await taskIn(status);
      const response = await submit(task.id, goodAnswers);
      expect(response.statusCode).toBe(409);
      expect(response.json()).toMatchObject({ code: 'REPORT_TASK_NOT_REPORTABLE', details: { currentStatus: status } });
    }
  });

  it("answers 404 for a task outside the caller's scope, and for a report id another task's report holds", async () => {
    const task = await taskIn('in_progress');
    expect((await submit(task.id, goodAnswers, otherRep)).statusCode).toBe(404);
    const first = (await submit(task.id, goodAnswers)).json();
    const second = await taskIn('in_progress');
    const clash = await submit(second.id, goodAnswers, rep, { id: first.id });
    expect(clash.statusCode).toBe(409);
    expect(clash.json()).toMatchObject({ code: 'REPORT_ID_TAKEN' });
    expect(await readTask(second.id)).toMatchObject({ reportedAt: null });
  });

  it("answers 422 by answer path for a photo that is not a complete upload of the reporter, and stores nothing", async () => {
    const task = await taskIn('in_progress');
    const [verified] = goodAnswers.shelf.photoUploadIds;
    const unfinished = await sync.upload(repToken, randomBytes(4096), { sent: 100 });
    const othersPhoto = await sync.upload(otherRepToken, randomBytes(2048));

    const unknown = await submit(task.id, answersWith([verified!, randomUUID()]));
    const incomplete = await submit(task.id, answersWith([unfinished, verified!]));
    const someoneElses = await submit(task.id, answersWith([verified!, othersPhoto]));

    expect([unknown.statusCode, incomplete.statusCode, someoneElses.statusCode]).toEqual([422, 422, 422]);
    expect(unknown.json()).toMatchObject({ code: 'ATTACHED_UPLOAD_UNKNOWN', errors: [{ field: 'answers.shelf.photoUploadIds.1' }] });
    expect(incomplete.json()).toMatchObject({ code: 'ATTACHED_UPLOAD_INCOMPLETE', errors: [{ field: 'answers.shelf.photoUploadIds.0' }] });
    expect(someoneElses.json()).toMatchObject({ code: 'ATTACHED_UPLOAD_UNKNOWN', errors: [{ field: 'answers.shelf.photoUploadIds.1' }] });
    expect((await app.inject({ method: 'GET', url: `/api/v1/visit-tasks/${task.id}/report`, headers: rep })).statusCode).toBe(404);
    expect(await readTask(task.id)).toMatchObject({ version: task.version, reportedAt: null });
    // Verified photos only, the same task: stored.
    expect((await submit(task.id, goodAnswers)).statusCode).toBe(201);
  });

  it('keeps no transaction open (nor the task locked) while sync is slow to verify the photos, and then stores the report', async () => {
    const task = await taskIn('in_progress');

    const { waiting, answer } = await whileSyncFrozen(sync, app.get(DataSource), () => submit(task.id, goodAnswers));

    expect(waiting).toEqual(Array(8).fill(0));
    expect(answer.statusCode).toBe(201);
    expect(await readTask(task.id)).toMatchObject({ version: task.version + 1, reportedAt: expect.any(String) });
  });

  it('answers 503 with Retry-After and stores nothing while sync is down; a stored report is still replayed', async () => {
    const stored = await taskIn('in_progress');
    const pending = await taskIn('in_progress');
    const key = { ...rep, 'idempotency-key': `report-${stored.id}` };
    const first = await submit(stored.id, goodAnswers, key);

    await sync.stop();
    const [down, replayed] = await Promise.all([submit(pending.id, goodAnswers), submit(stored.id, goodAnswers, key)]).finally(() => sync.start());

    expect(down.statusCode).toBe(503);
    expect(down.headers['retry-after']).toBe('5');
    expect(down.json()).toMatchObject({ code: 'UPLOADS_UNAVAILABLE' });
    expect(replayed.json()).toEqual(first.json());
    expect(await readTask(pending.id)).toMatchObject({ version: pending.version, reportedAt: null });
    expect((await submit(pending.id, goodAnswers)).statusCode).toBe(201);
  });

  it("checks the report against the task's own template version, not the current one", async () => {
    const before = await taskIn('in_progress');
    await app.inject({
      method: 'PATCH',
      url: `/api/v1/visit-templates/${templateId}`,
      headers: admin,
      payload: { steps: [...reportSteps.slice(0, -1), { key: 'sign', type: 'signature', required: true }, reportSteps.at(-1)] },
    });
    const after = await taskIn('in_progress');

    expect((await submit(before.id, goodAnswers)).statusCode).toBe(201);
    const refused = await submit(after.id, goodAnswers);
    expect(refused.json().errors).toEqual([{ field: 'answers.sign', message: 'is a required signature step' }]);
    const signature = await sync.upload(repToken, randomBytes(1024));
    const signed = await submit(after.id, { ...goodAnswers, sign: { uploadId: signature, signerName: 'Mara Lind' } });
    expect(signed.json()).toMatchObject({ templateVersion: 2 });
  });
});
