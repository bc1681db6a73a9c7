import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { type CheckInState } from '@fieldforce/contracts';
import { freePort, KafkaTopicCollector, startSyncUploads, type SyncUploads, whileSyncFrozen } from '@fieldforce/testing';
import { CheckInsService } from '../src/modules/check-ins/check-ins.service';
import { checkInBody, checkOutBody } from './factories/check-ins';
import { customerState } from './factories/customers';
import { announceCustomers, type CheckinsTestApp, startCheckinsTestApp } from './support/checkins-test-app';

const CHECK_IN_TOPIC = 'fieldforce.checkins.check-in.v1';

interface TestUser {
  id: string;
  token: string;
}

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');
/** A photo's bytes: random, so no other test of the run has the same hash. */
const photoBytes = (): Buffer => randomBytes(4096);

// Photos are uploads in sync (a real process here, as in production), verified before they attach.
describe(`${CheckInsService.name} (photos from verified uploads)`, () => {
  let service: CheckinsTestApp;
  let sync: SyncUploads;
  let dataSource: DataSource;
  let events: KafkaTopicCollector;
  const tenantId = randomUUID();
  const shop = customerState(tenantId, { name: 'Corner Pharmacy' });

  const newRep = async (): Promise<TestUser> => {
    const id = randomUUID();
    return { id, token: await service.jwks.sign({ sub: id, tid: tenantId, roles: ['rep'], org: 'emea.north' }) };
  };
  const post = (user: TestUser, url: string, payload: object) =>
    service.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${user.token}` }, payload });
  const checkIn = (user: TestUser, overrides: Record<string, unknown> = {}) => {
    const body = checkInBody(shop.id, overrides);
    return { body, send: () => post(user, '/api/v1/check-ins', body) };
  };
  const upload = (user: TestUser, bytes: Buffer, options?: { sent?: number }) => sync.upload(user.token, bytes, options);

  async function stored(id: string): Promise<{ checkIns: number; photos: number; outbox: number }> {
    const [row] = await dataSource.query<{ checkIns: number; photos: number; outbox: number }[]>(
      `SELECT (SELECT count(*)::int FROM checkins.check_ins WHERE id = $1) AS "checkIns",
              (SELECT count(*)::int FROM checkins.check_in_photos WHERE check_in_id = $1) AS photos,
              (SELECT count(*)::int FROM checkins.outbox WHERE message_key = $1::text) AS outbox`,
      [id],
    );
    return row!;
  }

  beforeAll(async () => {
    // Sync's port is chosen first: checkins is configured with it before sync runs.
    const syncPort = await freePort();
    service = await startCheckinsTestApp({ UPLOADS_URL: `http://127.0.0.1:${syncPort}`, UPLOADS_TIMEOUT_MS: '3000' });
    sync = await startSyncUploads(service.jwks.env(), { port: syncPort });
    dataSource = service.app.get(DataSource);
    events = await KafkaTopicCollector.start(service.kafka, service.kafka.topicPrefix + CHECK_IN_TOPIC);
    await announceCustomers(service, [shop]);
  }, 180_000);

  afterAll(async () => {
    await events?.stop();
    await service?.close();
    await sync?.close();
  });

  it('attaches complete uploads of the user with the sha256 sync verified, in the answer, the event and the stored photos', async () => {
    const rep = await newRep();
    const [front, shelf] = [photoBytes(), photoBytes()];
    const photoUploadIds = [await upload(rep, front), await upload(rep, shelf)];
    const { body, send } = checkIn(rep, { photoUploadIds });

    const response = await send();

    expect(response.statusCode).toBe(201);
    const recorded = response.json<CheckInState>();
    expect(recorded).toMatchObject({ status: 'verified', trustScore: 100, reasons: [] });
    expect(recorded.checkIn.photos).toEqual([
      { uploadId: photoUploadIds[0], sha256: sha256(front) },
      { uploadId: photoUploadIds[1], sha256: sha256(shelf) },
    ]);
    const [message] = await events.waitFor((record) => record.key === body.id, 1);
    expect(JSON.parse(message!.value).data.checkIn.checkIn.photos).toEqual(recorded.checkIn.photos);
    const rows = await dataSource.query<{ sha256: string; upload_id: string }[]>(
      `SELECT sha256, upload_id FROM checkins.check_in_photos WHERE check_in_id = $1 ORDER BY sha256`,
      [body.id],
    );
    expect(rows).toEqual(
      [
        { sha256: sha256(front), upload_id: photoUploadIds[0] },
        { sha256: sha256(shelf), upload_id: photoUploadIds[1] },
      ].sort((a, b) => a.sha256.localeCompare(b.sha256)),
    );
  });

  it('flags the second check-in of the same bytes, uploaded again by someone else, as a reused photo', async () => {
    const [first, second] = [await newRep(), await newRep()];
    const bytes = photoBytes();
    const original = await checkIn(first, { photoUploadIds: [await upload(first, bytes)] }).send();
    const againUploadId = await upload(second, Buffer.from(bytes));

    const reused = await checkIn(second, { photoUploadIds: [againUploadId] }).send();

    expect(original.json()).toMatchObject({ status: 'verified', reasons: [] });
    expect(reused.statusCode).toBe(201);
    expect(reused.json()).toMatchObject({ status: 'flagged', reasons: ['PHOTO_REUSED'] });
    expect(reused.json().checkIn.photos).toEqual([{ uploadId: againUploadId, sha256: sha256(bytes) }]);
  });

  it('checks out with a verified photo; the same photo on the check-out of another check-in is a reuse', async () => {
    const rep = await newRep();
    const first = (await checkIn(rep).send()).json<CheckInState>();
    const bytes = photoBytes();
    const uploadId = await upload(rep, bytes);
    const checkOut = checkOutBody({ photoUploadIds: [uploadId] });

    const checkedOut = await post(rep, `/api/v1/check-ins/${first.id}/check-out`, checkOut);
    const second = (await checkIn(rep).send()).json<CheckInState>();
    const reusedOut = await post(rep, `/api/v1/check-ins/${second.id}/check-out`, checkOutBody({ photoUploadIds: [uploadId] }));

    expect(checkedOut.statusCode).toBe(200);
    expect(checkedOut.json()).toMatchObject({ status: 'verified', checkOut: { photos: [{ uploadId, sha256: sha256(bytes) }], reasons: [] } });
    expect(reusedOut.json()).toMatchObject({ status: 'flagged', reasons: ['PHOTO_REUSED'], checkOut: { reasons: ['PHOTO_REUSED'] } });
  });

  it("answers 422 naming the field for an unknown upload, another user's upload and an incomplete one, recording nothing", async () => {
    const [rep, other] = [await newRep(), await newRep()];
    const own = await upload(rep, photoBytes());
    const othersUpload = await upload(other, photoBytes());
    const unfinished = await upload(rep, photoBytes(), { sent: 1000 });
    const unknown = randomUUID();

    const answers = [
      await checkIn(rep, { photoUploadIds: [own, unknown] }).send(),
      await checkIn(rep, { photoUploadIds: [othersUpload] }).send(),
      await checkIn(rep, { photoUploadIds: [unfinished, own] }).send(),
    ];

    expect(answers.map((answer) => answer.statusCode)).toEqual([422, 422, 422]);
    for (const answer of answers) expect(answer.headers['content-type']).toContain('application/problem+json');
    expect(answers[0]!.json()).toMatchObject({
      code: 'ATTACHED_UPLOAD_UNKNOWN',
      errors: [{ field: 'photoUploadIds.1', message: expect.stringContaining('is no upload of yours') }],
    });
    // Another user's upload is not told apart from an unknown one.
    expect(answers[1]!.json()).toMatchObject({ code: 'ATTACHED_UPLOAD_UNKNOWN', errors: [{ field: 'photoUploadIds.0' }] });
    expect(answers[2]!.json()).toMatchObject({
      code: 'ATTACHED_UPLOAD_INCOMPLETE',
      errors: [{ field: 'photoUploadIds.0', message: expect.stringContaining('not complete') }],
      details: { uploads: [{ field: 'photoUploadIds.0', uploadId: unfinished, code: 'ATTACHED_UPLOAD_INCOMPLETE', status: 'uploading' }] },
    });
    const [row] = await dataSource.query<{ count: number }[]>(`SELECT count(*)::int FROM checkins.check_ins WHERE user_id = $1`, [rep.id]);
    expect(row!.count).toBe(0);
  });

  it('refuses device-claimed hashes, duplicate and malformed photo ids and more than ten photos with a 400', async () => {
    const rep = await newRep();
    const uploadId = await upload(rep, photoBytes());

    const answers = [
      await checkIn(rep, { photos: [{ uploadId, sha256: 'a'.repeat(64) }] }).send(),
      await checkIn(rep, { photoUploadIds: [uploadId, uploadId.toUpperCase()] }).send(),
      await checkIn(rep, { photoUploadIds: ['not-an-id'] }).send(),
      await checkIn(rep, { photoUploadIds: Array.from({ length: 11 }, () => randomUUID()) }).send(),
    ];

    expect(answers.map((answer) => answer.statusCode)).toEqual([400, 400, 400, 400]);
    expect(answers.map((answer) => answer.json().errors.map((error: { field: string }) => error.field))).toEqual([
      ['photos'],
      ['photoUploadIds'],
      ['photoUploadIds'],
      ['photoUploadIds'],
    ]);
  });

  it('keeps no transaction open while sync is slow to verify the photos, and then records the check-in', async () => {
    const rep = await newRep();
    const uploadId = await upload(rep, photoBytes());
    const pending = checkIn(rep, { photoUploadIds: [uploadId] });

    const { waiting, answer } = await whileSyncFrozen(sync, dataSource, () => pending.send());

    expect(waiting).toEqual(Array(8).fill(0));
    expect(answer.statusCode).toBe(201);
    expect(await stored(pending.body.id)).toEqual({ checkIns: 1, photos: 1, outbox: 1 });
  });

  it('answers 503 with Retry-After and records nothing while sync is down; the retry after it is back records the check-in once', async () => {
    const rep = await newRep();
    const uploadId = await upload(rep, photoBytes());
    const earlier = checkIn(rep, { photoUploadIds: [await upload(rep, photoBytes())] });
    const earlierAnswer = await earlier.send();
    const pending = checkIn(rep, { photoUploadIds: [uploadId] });

    await sync.stop();
    // A check-in already recorded is answered without asking sync.
    const [down, replayWhileDown] = await Promise.all([pending.send(), earlier.send()]).finally(() => sync.start());

    expect(down.statusCode).toBe(503);
    expect(down.headers['content-type']).toContain('application/problem+json');
    expect(down.headers['retry-after']).toBe('5');
    expect(down.json()).toMatchObject({ status: 503, code: 'UPLOADS_UNAVAILABLE', details: { retryAfterSeconds: 5 } });
    expect(replayWhileDown.statusCode).toBe(201);
    expect(replayWhileDown.json()).toEqual(earlierAnswer.json());
    expect(await stored(pending.body.id)).toEqual({ checkIns: 0, photos: 0, outbox: 0 });

    const retried = await pending.send();
    const again = await pending.send();

    expect(retried.statusCode).toBe(201);
    expect(retried.json()).toMatchObject({ id: pending.body.id, status: 'verified', checkIn: { photos: [{ uploadId }] } });
    expect(again.json()).toEqual(retried.json());
    expect(await stored(pending.body.id)).toEqual({ checkIns: 1, photos: 1, outbox: 1 });
  });
});
