import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { type CustomerState, uuidv7 } from '@fieldforce/contracts';
import { type CheckInsPlatform, checkInRecords, seedRepAndCustomer, startCheckInsPlatform } from './support/check-ins-platform';
import { type MutationResult, type PushUser, type PushedMutation, push, storedResults } from './support/push-platform';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const SHOP = { lat: 52.52, lng: 13.405 };
// About 12 m north and 5 m east of the shop: inside its geofence.
const AT_THE_SHOP = { lat: 52.520108, lng: 13.405074 };

/** A device's queue of check-in mutations under one client id: hands out the next mutation id, as the app does. */
class Queue {
  readonly clientId = randomUUID();
  private next = 1;

  constructor(readonly user: PushUser) {}

  add(mutation: Omit<PushedMutation, 'mutationId' | 'entity'>): PushedMutation {
    const queued = { entity: 'check-in', ...mutation, mutationId: this.next };
    this.next += 1;
    return queued;
  }
}

const point = (capturedAt: Date, at = AT_THE_SHOP) => ({
  lat: at.lat,
  lng: at.lng,
  accuracyM: 8,
  capturedAt: capturedAt.toISOString(),
  provider: 'gps',
  isMock: false,
});

const statuses = (results: MutationResult[]) => results.map((result) => result.status);

describe('POST /api/v1/sync/push (check-ins)', () => {
  let platform: CheckInsPlatform;
  let rep: PushUser;
  let otherRep: PushUser;
  let customer: CustomerState;

  /** A check-in the rep captured `hoursAgo`, queued offline (the REST body without its id: that is the entityId). */
  const checkInOf = (queue: Queue, hoursAgo: number, base: Record<string, unknown> = {}, more: Record<string, unknown> = {}): PushedMutation =>
    queue.add({
      entityId: uuidv7(),
      op: 'create',
      baseVersion: 0,
      base,
      changes: { customerId: customer.id, deviceId: 'phone-basement', point: point(new Date(Date.now() - hoursAgo * HOUR_MS)), ...more },
    });

  const checkOutOf = (queue: Queue, checkInId: string, hoursAgo: number, at = AT_THE_SHOP, more: Record<string, unknown> = {}): PushedMutation =>
    queue.add({
      entityId: checkInId,
      op: 'update',
      baseVersion: 1,
      base: {},
      changes: { checkOut: { point: point(new Date(Date.now() - hoursAgo * HOUR_MS), at), ...more } },
    });

  beforeAll(async () => {
    platform = await startCheckInsPlatform();
    ({ rep, otherRep, customer } = await seedRepAndCustomer(platform, SHOP));
  }, 180_000);

  afterAll(async () => {
    await platform?.stop();
  });

  afterEach(async () => {
    platform.proxy.afterOwnerAnswered = undefined;
    await platform.ensureCheckins();
  }, 90_000);

  it.each([
    ['a year ahead', 365],
    ['a year behind', -365],
  ])(
    'applies a check-in and check-out captured hours before the push from a device whose clock is %s, scoring the offline delay',
    async (_clock, days) => {
      const deviceClock = new Date(Date.now() + days * DAY_MS);
      const queue = new Queue(rep);
      // The device's own timestamps are data it sends; the capture times come from the GPS fix.
      const checkIn = checkInOf(queue, 5, { queuedAt: deviceClock.toISOString() });
      const checkOut = checkOutOf(queue, checkIn.entityId, 4);

      const answer = await push(platform.sync, rep, { clientId: queue.clientId, mutations: [checkIn, checkOut] }, { date: deviceClock.toUTCString() });

      expect(answer.status).toBe(200);
      expect(answer.body.results).toMatchObject([
        { mutationId: 1, status: 'applied', version: 1, data: { id: checkIn.entityId, offline: true, checkOut: null } },
        { mutationId: 2, status: 'applied', version: 2 },
      ]);
      const data = answer.body.results[1]!.data as Record<string, unknown> & { checkIn: { receivedAt: string }; checkOut: { receivedAt: string } };
      // Five and four hours late but offline: a delayed upload (−10), still verified — never a skewed clock, never dropped.
      expect(data).toMatchObject({
        id: checkIn.entityId,
        userId: rep.id,
        customerId: customer.id,
        offline: true,
        status: 'verified',
        trustScore: 90,
        reasons: ['DELAYED_UPLOAD'],
        durationS: 3_600,
        checkIn: { reasons: ['DELAYED_UPLOAD'] },
        checkOut: { reasons: ['DELAYED_UPLOAD'] },
        version: 2,
      });
      // Receipt is the server's time, whatever the device's clock says.
      for (const phase of [data.checkIn, data.checkOut]) expect(Math.abs(Date.parse(phase.receivedAt) - Date.now())).toBeLessThan(10 * 60_000);
      expect(await checkInRecords(platform, checkIn.entityId)).toEqual({
        rows: 1,
        events: ['fieldforce.checkins.check-in.recorded.v1', 'fieldforce.checkins.check-in.checked-out.v1'],
      });
    },
  );

  it('answers a replayed push with the stored results, without asking checkins again', async () => {
    const queue = new Queue(rep);
    const checkIn = checkInOf(queue, 3);
    const checkOut = checkOutOf(queue, checkIn.entityId, 2);
    const body = { clientId: queue.clientId, mutations: [checkIn, checkOut] };
    const first = await push(platform.sync, rep, body);
    expect(statuses(first.body.results)).toEqual(['applied', 'applied']);

    const replays = await Promise.all([push(platform.sync, rep, body), push(platform.sync, rep, { ...body, mutations: [checkOut] })]);

    expect(replays[0].body.results).toEqual(first.body.results);
    expect(replays[1].body.results).toEqual([first.body.results[1]]);
    expect(platform.proxy.answeredCount(`${queue.clientId}:1`)).toBe(1);
    expect(platform.proxy.answeredCount(`${queue.clientId}:2`)).toBe(1);
    expect(await storedResults(platform, queue.clientId)).toEqual(first.body.results);
    expect((await checkInRecords(platform, checkIn.entityId)).events).toHaveLength(2);
  });

  it('answers retry while checkins is down, pending for the rest, and applies each exactly once after its restart', async () => {
    const queue = new Queue(rep);
    const checkIn = checkInOf(queue, 6);
    const checkOut = checkOutOf(queue, checkIn.entityId, 5);
    const body = { clientId: queue.clientId, mutations: [checkIn, checkOut] };
    await platform.killCheckins();

    const during = await push(platform.sync, rep, body);

    expect(during.status).toBe(200);
    expect(during.body.results).toMatchObject([
      { mutationId: 1, status: 'retry', problem: { status: 503, code: 'SYNC_OWNER_UNAVAILABLE' } },
      { mutationId: 2, status: 'pending', problem: { code: 'SYNC_MUTATION_NOT_ATTEMPTED' } },
    ]);
    expect(await storedResults(platform, queue.clientId)).toEqual([]);
    expect((await checkInRecords(platform, checkIn.entityId)).rows).toBe(0);
    await platform.ensureCheckins();

    const after = await push(platform.sync, rep, body);
    const again = await push(platform.sync, rep, body);

    expect(after.body.results).toMatchObject([
      { mutationId: 1, status: 'applied', version: 1 },
      { mutationId: 2, status: 'applied', version: 2, data: { reasons: ['DELAYED_UPLOAD'], status: 'verified' } },
    ]);
    expect(again.body.results).toEqual(after.body.results);
    expect(await checkInRecords(platform, checkIn.entityId)).toEqual({
      rows: 1,
      events: ['fieldforce.checkins.check-in.recorded.v1', 'fieldforce.checkins.check-in.checked-out.v1'],
    });
  });

  it('applies a check-in once when its answer is lost after checkins committed it, and the retry gets the first result', async () => {
    const queue = new Queue(rep);
    const checkIn = checkInOf(queue, 2);
    const checkOut = checkOutOf(queue, checkIn.entityId, 1);
    const body = { clientId: queue.clientId, mutations: [checkIn, checkOut] };
    let committed: string | undefined;
    platform.proxy.afterOwnerAnswered = async (answer) => {
      platform.proxy.afterOwnerAnswered = undefined;
      committed = answer.body;
      throw new Error('the connection breaks before sync hears the answer');
    };

    const lost = await push(platform.sync, rep, body);

    expect(statuses(lost.body.results)).toEqual(['retry', 'pending']);
    expect((await checkInRecords(platform, checkIn.entityId)).rows).toBe(1);

    const retried = await push(platform.sync, rep, body);

    expect(statuses(retried.body.results)).toEqual(['applied', 'applied']);
    const { mutationId: _mutationId, ...firstResult } = retried.body.results[0]!;
    expect(firstResult).toEqual(JSON.parse(committed!));
    expect(platform.proxy.answeredCount(`${queue.clientId}:1`)).toBe(2);
    expect(await checkInRecords(platform, checkIn.entityId)).toEqual({
      rows: 1,
      events: ['fieldforce.checkins.check-in.recorded.v1', 'fieldforce.checkins.check-in.checked-out.v1'],
    });
  });

  it('attaches the photos the device uploaded to sync with the hash sync verified, and rejects an incomplete upload for good', async () => {
    const queue = new Queue(rep);
    const photo = randomBytes(4_096);
    const uploadId = await platform.sync.upload(rep.token, photo);
    const unfinished = await platform.sync.upload(rep.token, randomBytes(4_096), { sent: 1_000 });
    const checkIn = checkInOf(queue, 3, {}, { photoUploadIds: [uploadId] });
    const checkOut = checkOutOf(queue, checkIn.entityId, 2, AT_THE_SHOP, { photoUploadIds: [unfinished] });
    const body = { clientId: queue.clientId, mutations: [checkIn, checkOut] };

    const answer = await push(platform.sync, rep, body);

    expect(answer.body.results).toMatchObject([
      { mutationId: 1, status: 'applied', version: 1, data: { checkIn: { photos: [{ uploadId, sha256: createHash('sha256').update(photo).digest('hex') }] } } },
      { mutationId: 2, status: 'rejected', problem: { status: 422, code: 'ATTACHED_UPLOAD_INCOMPLETE' } },
    ]);
    expect((await push(platform.sync, rep, body)).body.results).toEqual(answer.body.results);
    expect((await checkInRecords(platform, checkIn.entityId)).events).toEqual(['fieldforce.checkins.check-in.recorded.v1']);
  });

  it('records what checkins refuses as rejected and goes on: a delete, a second check-out, another rep\'s check-in, bad input', async () => {
    const queue = new Queue(rep);
    const checkIn = checkInOf(queue, 2);
    const checkOut = checkOutOf(queue, checkIn.entityId, 1);
    const secondCheckOut = checkOutOf(queue, checkIn.entityId, 0.5, { lat: 52.5202, lng: 13.405 });
    const removal = queue.add({ entityId: checkIn.entityId, op: 'delete', baseVersion: 2, base: {}, changes: {} });
    const malformed = queue.add({ entityId: uuidv7(), op: 'create', baseVersion: 0, base: {}, changes: { customerId: customer.id, point: { lat: 95 } } });
    const otherQueue = new Queue(otherRep);
    const stranger = checkOutOf(otherQueue, checkIn.entityId, 0.2);
    const ownCheckIn = checkInOf(otherQueue, 1);

    const answer = await push(platform.sync, rep, { clientId: queue.clientId, mutations: [checkIn, checkOut, secondCheckOut, removal, malformed] });
    const otherAnswer = await push(platform.sync, otherRep, { clientId: otherQueue.clientId, mutations: [stranger, ownCheckIn] });

    expect(statuses(answer.body.results)).toEqual(['applied', 'applied', 'rejected', 'rejected', 'rejected']);
    const [, applied, second, deleted, bad] = answer.body.results as [MutationResult, MutationResult, MutationResult, MutationResult, MutationResult];
    expect(second.problem).toMatchObject({ status: 409, code: 'CHECK_IN_ALREADY_CHECKED_OUT' });
    expect(deleted.problem).toMatchObject({ status: 422, code: 'CHECK_IN_NOT_DELETABLE' });
    expect(bad.problem).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', errors: expect.arrayContaining([expect.objectContaining({ field: 'changes.point.lat' })]) });
    expect(otherAnswer.body.results).toMatchObject([
      { mutationId: 1, status: 'rejected', problem: { status: 404, code: 'CHECK_IN_NOT_FOUND' } },
      { mutationId: 2, status: 'applied', version: 1, data: { userId: otherRep.id } },
    ]);
    // The first check-out stands; nothing else reached the record.
    expect(applied.data).toMatchObject({ version: 2 });
    expect(await checkInRecords(platform, checkIn.entityId)).toEqual({
      rows: 1,
      events: ['fieldforce.checkins.check-in.recorded.v1', 'fieldforce.checkins.check-in.checked-out.v1'],
    });
    expect((await checkInRecords(platform, malformed.entityId)).rows).toBe(0);
  });
});
