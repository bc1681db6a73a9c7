import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { type CheckInState } from '@fieldforce/contracts';
import { KafkaTopicCollector, TestEventPublisher, type TestTokenClaims } from '@fieldforce/testing';
import { CheckInsController } from '../src/modules/check-ins/check-ins.controller';
import { TrackIngestService } from '../src/modules/trajectories/track-ingest.service';
import { type CapturedPoint, checkInBody as checkInAt } from './factories/check-ins';
import { customerState } from './factories/customers';
import { BERLIN, offset } from './factories/track-points';
import { announceCustomers, type CheckinsTestApp, startCheckinsTestApp } from './support/checkins-test-app';

const CHECK_IN_TOPIC = 'fieldforce.checkins.check-in.v1';

interface TestUser {
  id: string;
  token: string;
  orgPath: string;
}

describe(`${CheckInsController.name} (check-ins)`, () => {
  let service: CheckinsTestApp;
  let dataSource: DataSource;
  let publisher: TestEventPublisher;
  let events: KafkaTopicCollector;
  const tenantId = randomUUID();
  const shop = customerState(tenantId, { name: 'Corner Pharmacy', location: BERLIN });
  const kiosk = customerState(tenantId, { name: 'Kiosk without address', location: null });
  let supervisorNorth: TestUser;
  let supervisorSouth: TestUser;

  async function newUser(claims: TestTokenClaims & { org: string }): Promise<TestUser> {
    const id = randomUUID();
    return { id, orgPath: claims.org, token: await service.jwks.sign({ ...claims, sub: id, tid: tenantId }) };
  }

  const newRep = (org = 'emea.north'): Promise<TestUser> => newUser({ roles: ['rep'], org });

  const checkInBody = (overrides: Record<string, unknown> = {}, point: Partial<CapturedPoint> = {}) => checkInAt(shop.id, overrides, point);

  const post = (user: TestUser, url: string, payload: object) =>
    service.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${user.token}` }, payload });
  const get = (user: TestUser, url: string) => service.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${user.token}` } });

  async function recorded(user: TestUser, overrides: Record<string, unknown> = {}, point = {}): Promise<CheckInState> {
    const response = await post(user, '/api/v1/check-ins', checkInBody(overrides, point));
    expect(response.statusCode).toBe(201);
    return response.json();
  }

  async function outboxCount(id: string): Promise<number> {
    const [row] = await dataSource.query<{ count: string }[]>(`SELECT count(*) FROM checkins.outbox WHERE message_key = $1`, [id]);
    return Number(row!.count);
  }

  beforeAll(async () => {
    service = await startCheckinsTestApp();
    dataSource = service.app.get(DataSource);
    events = await KafkaTopicCollector.start(service.kafka, service.kafka.topicPrefix + CHECK_IN_TOPIC);
    publisher = await TestEventPublisher.connect(service.kafka);
    supervisorNorth = await newUser({ roles: ['supervisor'], org: 'emea.north' });
    supervisorSouth = await newUser({ roles: ['supervisor'], org: 'emea.south' });
    await announceCustomers(service, [shop, kiosk]);
  });

  afterAll(async () => {
    await publisher?.disconnect();
    await events?.stop();
    await service?.close();
  });

  describe('recording', () => {
    it('verifies a check-in at the customer, answers 201 with distance and score, and publishes check-in.recorded', async () => {
      const rep = await newRep();
      const taskId = randomUUID();
      const body = checkInBody({ taskId });

      const response = await post(rep, '/api/v1/check-ins', body);

      expect(response.statusCode).toBe(201);
      expect(response.headers.location).toBe(`/api/v1/check-ins/${body.id}`);
      const checkIn = response.json();
      expect(checkIn).toMatchObject({
        id: body.id,
        tenantId,
        userId: rep.id,
        orgPath: 'emea.north',
        customerId: shop.id,
        taskId,
        status: 'verified',
        trustScore: 100,
        reasons: [],
        checkOut: null,
        version: 1,
      });
      expect(checkIn.checkIn.distanceM).toBeCloseTo(13, 0);
      const [message] = await events.waitFor((record) => record.key === body.id, 1);
      const event = JSON.parse(message!.value);
      expect(event.type).toBe('fieldforce.checkins.check-in.recorded.v1');
      expect(event.data.checkIn).toEqual(checkIn);
    });

    it('answers a retried check-in, also concurrent retries, with the same record and records nothing new', async () => {
      const rep = await newRep();
      const body = checkInBody();
      const first = await post(rep, '/api/v1/check-ins', body);

      const retries = await Promise.all([1, 2, 3].map(() => post(rep, '/api/v1/check-ins', body)));

      for (const retry of retries) {
        expect(retry.statusCode).toBe(201);
        expect(retry.json()).toEqual(first.json());
      }
      expect(await outboxCount(body.id)).toBe(1);
    });

    it('records a check-in sent by several retries at once only once', async () => {
      const rep = await newRep();
      const body = checkInBody();

      const responses = await Promise.all([1, 2, 3, 4].map(() => post(rep, '/api/v1/check-ins', body)));

      expect(responses.map((response) => response.statusCode)).toEqual([201, 201, 201, 201]);
      expect(new Set(responses.map((response) => response.body)).size).toBe(1);
      expect(await outboxCount(body.id)).toBe(1);
    });

    it('refuses a check-in that reuses an id with other content', async () => {
      const rep = await newRep();
      const body = checkInBody();
      await post(rep, '/api/v1/check-ins', body);

      const clash = await post(rep, '/api/v1/check-ins', { ...body, customerId: kiosk.id });

      expect(clash.statusCode).toBe(409);
      expect(clash.json()).toMatchObject({ code: 'CHECK_IN_ALREADY_EXISTS' });
    });

    it('stores a check-in far from the customer as flagged, never dropping it', async () => {
      const rep = await newRep();

      const checkIn = await recorded(rep, {}, { at: offset(BERLIN, 500, 0) });

      expect(checkIn).toMatchObject({ status: 'flagged', trustScore: 60, reasons: ['OUTSIDE_GEOFENCE'] });
      expect((await get(rep, `/api/v1/check-ins/${checkIn.id}`)).json()).toEqual(checkIn);
    });

    it('flags a mock location', async () => {
      expect(await recorded(await newRep(), {}, { isMock: true })).toMatchObject({ status: 'flagged', reasons: ['MOCK_LOCATION'] });
    });

    it("flags an impossible speed from the user's last track point", async () => {
      const rep = await newRep();
      const user = { userId: rep.id, tenantId, orgPath: rep.orgPath };
      const far = offset(BERLIN, 0, 40_000);
      await service.app.get(TrackIngestService).ingest(user, {
        deviceId: 'phone-1',
        points: [{ seq: 1, lat: far.lat, lng: far.lng, accuracyM: 10, capturedAt: new Date(Date.now() - 120_000).toISOString() }],
      });

      expect(await recorded(rep)).toMatchObject({ status: 'flagged', reasons: ['IMPOSSIBLE_SPEED'] });
    });

    it('flags an impossible speed from the previous check-in of the user', async () => {
      const rep = await newRep();
      await recorded(rep, {}, { capturedAt: new Date(Date.now() - 60_000) });
      const elsewhere = customerState(tenantId, { location: offset(BERLIN, 30_000, 0) });

      const second = await recorded(rep, { customerId: elsewhere.id }, { at: elsewhere.location! });

      expect(second.reasons).toContain('IMPOSSIBLE_SPEED');
    });

    it('verifies an offline check-in captured hours before it arrived, scoring the delay', async () => {
      const checkIn = await recorded(await newRep(), { offline: true }, { capturedAt: new Date(Date.now() - 5 * 3_600_000) });
      expect(checkIn).toMatchObject({ status: 'verified', trustScore: 90, reasons: ['DELAYED_UPLOAD'], offline: true });
    });

    it('flags an online check-in whose capture time is far from its arrival', async () => {
      const checkIn = await recorded(await newRep(), {}, { capturedAt: new Date(Date.now() - 2 * 3_600_000) });
      expect(checkIn).toMatchObject({ status: 'flagged', reasons: ['CLOCK_SKEW'] });
    });

    it('flags a check-in at a customer whose location is unknown', async () => {
      const atKiosk = await recorded(await newRep(), { customerId: kiosk.id });
      const atUnknown = await recorded(await newRep(), { customerId: randomUUID() });

      for (const checkIn of [atKiosk, atUnknown]) {
        expect(checkIn).toMatchObject({ status: 'flagged', reasons: ['CUSTOMER_LOCATION_UNKNOWN'] });
        expect(checkIn.checkIn.distanceM).toBeNull();
      }
    });

    it('combines reasons and answers 400 for a malformed check-in without recording anything', async () => {
      const rep = await newRep();
      const combined = await recorded(rep, {}, { at: offset(BERLIN, 800, 0), isMock: true, accuracyM: 250 });
      const bad = await post(rep, '/api/v1/check-ins', { ...checkInBody(), point: { lat: 95, lng: 13 } });

      expect(combined).toMatchObject({ status: 'flagged', reasons: ['OUTSIDE_GEOFENCE', 'MOCK_LOCATION', 'POOR_ACCURACY'] });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().errors.map((error: { field: string }) => error.field)).toEqual(
        expect.arrayContaining(['point.lat', 'point.accuracyM', 'point.capturedAt', 'point.provider', 'point.isMock']),
      );
    });
  });

  describe('checking out', () => {
    it('records the check-out with its duration and checks, and publishes check-in.checked-out', async () => {
      const rep = await newRep();
      // Both captures from one clock reading: read again after the check-in's round trip, a slow
      // machine would add its time to the duration.
      const now = Date.now();
      const checkIn = await recorded(rep, {}, { capturedAt: new Date(now - 8 * 60_000) });
      const at = offset(BERLIN, 8, 2);
      const body = { point: { lat: at.lat, lng: at.lng, accuracyM: 6, capturedAt: new Date(now - 1000).toISOString(), provider: 'gps', isMock: false } };

      const response = await post(rep, `/api/v1/check-ins/${checkIn.id}/check-out`, body);

      expect(response.statusCode).toBe(200);
      const checkedOut = response.json();
      expect(checkedOut).toMatchObject({ status: 'verified', trustScore: 100, version: 2 });
      expect(checkedOut.durationS).toBe(8 * 60 - 1);
      expect(checkedOut.checkOut).toMatchObject({ point: body.point, trustScore: 100, reasons: [] });
      const [message] = await events.waitFor(
        (record) => record.key === checkIn.id && JSON.parse(record.value).type === 'fieldforce.checkins.check-in.checked-out.v1',
      );
      expect(JSON.parse(message!.value).data.checkIn).toEqual(checkedOut);
      // The same check-out again is answered as recorded; another one is refused.
      expect((await post(rep, `/api/v1/check-ins/${checkIn.id}/check-out`, body)).json()).toEqual(checkedOut);
      const other = await post(rep, `/api/v1/check-ins/${checkIn.id}/check-out`, { point: { ...body.point, lat: at.lat + 0.001 } });
      expect(other.statusCode).toBe(409);
      expect(other.json()).toMatchObject({ code: 'CHECK_IN_ALREADY_CHECKED_OUT' });
    });

    it('flags the whole record when the check-out is made far away', async () => {
      const rep = await newRep();
      const checkIn = await recorded(rep, {}, { capturedAt: new Date(Date.now() - 5 * 60_000) });
      const away = offset(BERLIN, 2000, 0);

      const response = await post(rep, `/api/v1/check-ins/${checkIn.id}/check-out`, {
        point: { lat: away.lat, lng: away.lng, accuracyM: 10, capturedAt: new Date().toISOString(), provider: 'gps', isMock: false },
      });

      expect(response.json()).toMatchObject({ status: 'flagged', trustScore: 60, reasons: ['OUTSIDE_GEOFENCE'], checkIn: { trustScore: 100 } });
    });

    it("refuses a check-out captured before the check-in, and hides another user's check-in", async () => {
      const rep = await newRep();
      const checkIn = await recorded(rep);
      const point = { lat: BERLIN.lat, lng: BERLIN.lng, accuracyM: 5, provider: 'gps', isMock: false };

      const early = await post(rep, `/api/v1/check-ins/${checkIn.id}/check-out`, { point: { ...point, capturedAt: new Date(Date.now() - 3_600_000).toISOString() } });
      const stranger = await post(await newRep(), `/api/v1/check-ins/${checkIn.id}/check-out`, { point: { ...point, capturedAt: new Date().toISOString() } });

      expect(early.statusCode).toBe(422);
      expect(early.json()).toMatchObject({ code: 'CHECK_OUT_BEFORE_CHECK_IN' });
      expect(stranger.statusCode).toBe(404);
    });
  });

  describe('reviewing', () => {
    it("lets the rep's supervisor approve a flagged check-in, and publishes check-in.reviewed", async () => {
      const rep = await newRep();
      const flagged = await recorded(rep, {}, { at: offset(BERLIN, 600, 0) });
      const review = { decision: 'approved', note: 'Customer moved next door.' };

      const response = await post(supervisorNorth, `/api/v1/check-ins/${flagged.id}/review`, review);

      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({
        status: 'approved',
        reasons: ['OUTSIDE_GEOFENCE'],
        review: { ...review, reviewerId: supervisorNorth.id },
        version: 2,
      });
      const [message] = await events.waitFor(
        (record) => record.key === flagged.id && JSON.parse(record.value).type === 'fieldforce.checkins.check-in.reviewed.v1',
      );
      expect(JSON.parse(message!.value).data.checkIn).toEqual(response.json());
      // The same review again changes nothing; a different one is refused, as is a review of a verified check-in.
      expect((await post(supervisorNorth, `/api/v1/check-ins/${flagged.id}/review`, review)).json()).toEqual(response.json());
      const again = await post(supervisorNorth, `/api/v1/check-ins/${flagged.id}/review`, { decision: 'rejected', note: 'No.' });
      expect(again.json()).toMatchObject({ status: 409, code: 'CHECK_IN_NOT_FLAGGED' });
      const verified = await recorded(await newRep());
      expect(verified.status).toBe('verified');
      expect((await post(supervisorNorth, `/api/v1/check-ins/${verified.id}/review`, review)).statusCode).toBe(409);
    });

    it('hides a check-in from a supervisor of another team, refuses reps and self-review', async () => {
      const rep = await newRep();
      const flagged = await recorded(rep, {}, { isMock: true });
      const review = { decision: 'rejected', note: 'Mock location.' };
      const fieldSupervisor = await newUser({ roles: ['rep', 'supervisor'], org: 'emea.north' });
      const supervisorsOwn = await recorded(fieldSupervisor, {}, { isMock: true });

      expect((await post(supervisorSouth, `/api/v1/check-ins/${flagged.id}/review`, review)).statusCode).toBe(404);
      expect((await post(rep, `/api/v1/check-ins/${flagged.id}/review`, review)).json()).toMatchObject({ code: 'AUTH_ACTION_FORBIDDEN' });
      expect((await post(fieldSupervisor, `/api/v1/check-ins/${supervisorsOwn.id}/review`, review)).json()).toMatchObject({
        code: 'CHECK_IN_SELF_REVIEW',
      });
    });
  });

  describe('listing', () => {
    it('shows each reader only the check-ins in their scope, filtered and paged newest first', async () => {
      const repA = await newRep('emea.north');
      const repB = await newRep('emea.north');
      const repSouth = await newRep('emea.south');
      // Ten hours back (sent from offline), a window no other test of this file records in.
      const start = Date.now() - 10 * 3_600_000;
      const at = (minutes: number) => new Date(start + minutes * 60_000);
      const offline = { offline: true };
      const a1 = await recorded(repA, offline, { capturedAt: at(0) });
      const a2 = await recorded(repA, offline, { capturedAt: at(10), at: offset(BERLIN, 900, 0) });
      const b1 = await recorded(repB, offline, { capturedAt: at(20) });
      const s1 = await recorded(repSouth, offline, { capturedAt: at(30) });
      const window = `from=${at(0).toISOString()}&to=${at(31).toISOString()}`;
      const ids = async (user: TestUser, query: string): Promise<string[]> => {
        const response = await get(user, `/api/v1/check-ins?${window}&${query}`);
        expect(response.statusCode).toBe(200);
        return response.json().items.map((item: CheckInState) => item.id);
      };

      expect(await ids(repA, '')).toEqual([a2.id, a1.id]);
      expect(await ids(supervisorNorth, `userId=${repA.id}`)).toEqual([a2.id, a1.id]);
      expect(await ids(supervisorNorth, 'status=flagged')).not.toContain(a1.id);
      expect(await ids(supervisorNorth, 'status=flagged')).toContain(a2.id);
      expect(await ids(supervisorSouth, `userId=${repA.id}`)).toEqual([]);
      expect(await ids(supervisorSouth, '')).toEqual([s1.id]);
      expect((await get(repB, `/api/v1/check-ins/${a1.id}`)).statusCode).toBe(404);

      const team = [b1.id, a2.id, a1.id];
      const first = (await get(supervisorNorth, `/api/v1/check-ins?${window}&customerId=${shop.id}&limit=2`)).json();
      const firstIds = first.items.map((item: CheckInState) => item.id);
      const second = (await get(supervisorNorth, `/api/v1/check-ins?${window}&customerId=${shop.id}&limit=2&cursor=${first.nextCursor}`)).json();
      expect([...firstIds, ...second.items.map((item: CheckInState) => item.id)]).toEqual(team);
      expect(second.nextCursor).toBeNull();
      expect((await get(supervisorNorth, '/api/v1/check-ins?cursor=nonsense')).statusCode).toBe(400);
    });
  });
});
