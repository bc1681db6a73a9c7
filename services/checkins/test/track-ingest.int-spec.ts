import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { utcDay } from '../src/common/utc-day';
import { LivePositionStore } from '../src/modules/live-positions/live-position.store';
import { TrackIngestService, type TrackOwner } from '../src/modules/trajectories/track-ingest.service';
import { partitionName } from '../src/modules/trajectories/track/track-partitions';
import { PointRejection } from '../src/modules/trajectories/track/track-point';
import { daysAgo, type DevicePoint, walk } from './factories/track-points';
import { type CheckinsTestApp, startCheckinsTestApp } from './support/checkins-test-app';

// Days before today this file stores points on; other files use other days, so the partitions
// these tests watch being created on demand are created by nobody else.
const LATE_DAY = 30;
const RACED_DAY = 41;
const SETTINGS_DAY = 12;

describe(TrackIngestService.name, () => {
  let service: CheckinsTestApp;
  let ingest: TrackIngestService;
  let dataSource: DataSource;
  const device = 'phone-1';

  const newOwner = (): TrackOwner => ({ tenantId: randomUUID(), userId: randomUUID(), orgPath: 'emea.north' });
  const recent = (): Date => new Date(Date.now() - 2 * 3_600_000);

  async function storedPoints(owner: TrackOwner): Promise<{ key: string; capturedAt: string; device: string }[]> {
    const rows = await dataSource.query<{ key: string; capturedAt: Date; device: string }[]>(
      `SELECT point_key AS key, captured_at AS "capturedAt", device_id AS device FROM checkins.track_points
       WHERE tenant_id = $1 AND user_id = $2 ORDER BY captured_at, device_id, point_key`,
      [owner.tenantId, owner.userId],
    );
    return rows.map((row) => ({ ...row, capturedAt: row.capturedAt.toISOString() }));
  }

  async function partitionExists(retentionDays: number, day: string): Promise<boolean> {
    const [row] = await dataSource.query<{ exists: boolean }[]>(`SELECT to_regclass($1) IS NOT NULL AS "exists"`, [
      `checkins.${partitionName({ retentionDays, day })}`,
    ]);
    return row!.exists;
  }

  beforeAll(async () => {
    service = await startCheckinsTestApp();
    ingest = service.app.get(TrackIngestService);
    dataSource = service.app.get(DataSource);
  });

  afterAll(async () => {
    await service?.close();
  });

  it('stores a batch and reports every point accepted', async () => {
    const owner = newOwner();
    const points = walk(500, { start: recent() });

    const result = await ingest.ingest(owner, { deviceId: device, points });

    expect(result).toEqual({ accepted: 500, duplicates: 0, rejected: [] });
    expect(await storedPoints(owner)).toHaveLength(500);
  });

  it('stores nothing twice when the same batch is replayed, also concurrently', async () => {
    const owner = newOwner();
    const points = walk(300, { start: recent(), ids: true });
    await ingest.ingest(owner, { deviceId: device, points });

    const replays = await Promise.all([1, 2, 3].map(() => ingest.ingest(owner, { deviceId: device, points })));

    for (const replay of replays) expect(replay).toEqual({ accepted: 0, duplicates: 300, rejected: [] });
    expect(await storedPoints(owner)).toHaveLength(300);
  });

  it('stores each point once when first sent concurrently by several retries', async () => {
    const owner = newOwner();
    const points = walk(400, { start: recent() });

    const results = await Promise.all([1, 2, 3, 4].map(() => ingest.ingest(owner, { deviceId: device, points })));

    expect(results.reduce((sum, result) => sum + result.accepted, 0)).toBe(400);
    expect(results.reduce((sum, result) => sum + result.duplicates, 0)).toBe(3 * 400);
    expect(await storedPoints(owner)).toHaveLength(400);
  });

  it('stores only the new part of an overlapping batch', async () => {
    const owner = newOwner();
    const points = walk(150, { start: recent() });
    await ingest.ingest(owner, { deviceId: device, points: points.slice(0, 100) });

    const overlap = await ingest.ingest(owner, { deviceId: device, points: points.slice(50, 150) });

    expect(overlap).toEqual({ accepted: 50, duplicates: 50, rejected: [] });
    expect((await storedPoints(owner)).map((point) => point.key)).toEqual(points.map((point) => `seq:${point.seq}`));
  });

  it('stores shuffled and out-of-order batches once each, readable in capture order', async () => {
    const owner = newOwner();
    const points = walk(200, { start: recent() });
    const shuffled = [...points].sort(() => Math.random() - 0.5);

    const later = await ingest.ingest(owner, { deviceId: device, points: shuffled.slice(100) });
    const earlier = await ingest.ingest(owner, { deviceId: device, points: shuffled.slice(0, 100) });
    const again = await ingest.ingest(owner, { deviceId: device, points: shuffled.slice(40, 160) });

    expect(later.accepted + earlier.accepted).toBe(200);
    expect(again).toEqual({ accepted: 0, duplicates: 120, rejected: [] });
    expect((await storedPoints(owner)).map((point) => point.capturedAt)).toEqual(points.map((point) => point.capturedAt));
  });

  it("tells devices apart: the same seq from two devices is two points, a replay from one of them is not", async () => {
    const owner = newOwner();
    const points = walk(10, { start: recent() });

    await ingest.ingest(owner, { deviceId: 'phone-a', points });
    const otherDevice = await ingest.ingest(owner, { deviceId: 'phone-b', points });
    const replay = await ingest.ingest(owner, { deviceId: 'phone-a', points });

    expect(otherDevice.accepted).toBe(10);
    expect(replay.duplicates).toBe(10);
    expect(await storedPoints(owner)).toHaveLength(20);
  });

  it('creates the missing partition of a late day on demand, and stores its points once', async () => {
    const owner = newOwner();
    const day = utcDay(daysAgo(LATE_DAY));
    expect(await partitionExists(90, day)).toBe(false);
    const points = walk(120, { start: daysAgo(LATE_DAY), everySeconds: 30 });

    const first = await ingest.ingest(owner, { deviceId: device, points });
    const replay = await ingest.ingest(owner, { deviceId: device, points });

    expect(await partitionExists(90, day)).toBe(true);
    expect(first.accepted).toBe(120);
    expect(replay.duplicates).toBe(120);
    expect(await storedPoints(owner)).toHaveLength(120);
  });

  it('creates a missing partition once when concurrent batches race for it, storing every point once', async () => {
    const owners = [newOwner(), newOwner(), newOwner()];
    const day = utcDay(daysAgo(RACED_DAY));
    expect(await partitionExists(90, day)).toBe(false);
    const points = walk(200, { start: daysAgo(RACED_DAY), everySeconds: 10 });
    // Each owner sends overlapping halves from two connections at once.
    const batches = owners.flatMap((owner) => [
      ingest.ingest(owner, { deviceId: device, points: points.slice(0, 150) }),
      ingest.ingest(owner, { deviceId: device, points: points.slice(50) }),
    ]);

    const results = await Promise.all(batches);

    expect(results.reduce((sum, result) => sum + result.accepted, 0)).toBe(3 * 200);
    expect(await partitionExists(90, day)).toBe(true);
    for (const owner of owners) expect(await storedPoints(owner)).toHaveLength(200);
  });

  it('reports each bad point with its index and reason, and stores the good ones of the same batch', async () => {
    const owner = newOwner();
    const good = walk(6, { start: recent() });
    const at = (index: number): DevicePoint => good[index]!;
    const points: unknown[] = [
      at(0),
      { ...at(1), lat: 91 },
      { ...at(2), seq: undefined },
      at(3),
      { ...at(4), id: randomUUID() },
      'not a point',
      { ...at(5), capturedAt: '2024-13-45' },
      { ...at(5), capturedAt: new Date(Date.now() + 3_600_000).toISOString(), seq: 99 },
      { ...at(5), accuracyM: -1, seq: 100 },
      { ...at(5), altitudeM: 34, seq: 101 },
      at(5),
    ];

    const result = await ingest.ingest(owner, { deviceId: device, points });

    expect(result.accepted).toBe(3);
    expect(result.duplicates).toBe(0);
    expect(result.rejected.map(({ index, reason }) => [index, reason])).toEqual([
      [1, PointRejection.InvalidLat],
      [2, PointRejection.KeyMissing],
      [4, PointRejection.KeyAmbiguous],
      [5, PointRejection.NotAnObject],
      [6, PointRejection.InvalidCapturedAt],
      [7, PointRejection.CapturedInFuture],
      [8, PointRejection.InvalidAccuracy],
      [9, PointRejection.UnknownField],
    ]);
    expect(await storedPoints(owner)).toHaveLength(3);
  });

  it('counts a point sent twice in one batch once', async () => {
    const owner = newOwner();
    const [point] = walk(1, { start: recent() });

    const result = await ingest.ingest(owner, { deviceId: device, points: [point, point] });

    expect(result).toEqual({ accepted: 1, duplicates: 1, rejected: [] });
  });

  it("refuses points older than the tenant's retention without creating a partition for them", async () => {
    const owner = newOwner();
    const tooOld = walk(3, { start: daysAgo(91), firstSeq: 0 });
    const kept = walk(2, { start: recent(), firstSeq: 10 });

    const result = await ingest.ingest(owner, { deviceId: device, points: [...tooOld, ...kept] });

    expect(result.accepted).toBe(2);
    expect(result.rejected).toEqual([0, 1, 2].map((index) => expect.objectContaining({ index, reason: PointRejection.BeyondRetention })));
    expect(await partitionExists(90, utcDay(daysAgo(91)))).toBe(false);
  });

  it("keeps a tenant's days under the retention they were first stored with when the tenant changes it", async () => {
    const owner = newOwner();
    const day = utcDay(daysAgo(SETTINGS_DAY));
    await ingest.saveSettings(owner.tenantId, 30);
    await ingest.ingest(owner, { deviceId: device, points: walk(5, { start: daysAgo(SETTINGS_DAY) }) });

    await ingest.saveSettings(owner.tenantId, 7);
    const sameDay = await ingest.ingest(owner, { deviceId: device, points: walk(5, { start: daysAgo(SETTINGS_DAY), firstSeq: 5 }) });
    const olderDay = await ingest.ingest(owner, { deviceId: device, points: walk(1, { start: daysAgo(SETTINGS_DAY + 1) }) });

    expect(sameDay.accepted).toBe(5);
    expect(olderDay.rejected).toEqual([expect.objectContaining({ reason: PointRejection.BeyondRetention })]);
    const [stored] = await dataSource.query<{ retentionDays: number; count: string }[]>(
      `SELECT retention_days AS "retentionDays", count(*) FROM checkins.track_points WHERE tenant_id = $1 GROUP BY 1`,
      [owner.tenantId],
    );
    expect(stored).toEqual({ retentionDays: 30, count: '10' });
    expect(await partitionExists(30, day)).toBe(true);
  });

  it('stores what the device sent: coordinates exactly, the other numbers as reals, missing values as null, instants to the millisecond', async () => {
    const owner = newOwner();
    const at = recent().getTime();
    // The same kind of instant written with an offset and a fraction beyond milliseconds.
    const withOffset = `${new Date(at + 2_000 + 3_600_000).toISOString().slice(0, 23)}9+01:00`;
    const points = [
      { id: randomUUID().toUpperCase(), lat: -33.868820000000014, lng: 151.20929300000002, accuracyM: 4.7, speedMps: 13.9, headingDeg: 359.99, capturedAt: new Date(at).toISOString(), isMock: true },
      { seq: 7, lat: 0, lng: -0.000001, accuracyM: 0, capturedAt: new Date(at + 1).toISOString() },
      { seq: 8, lat: 90, lng: 180, accuracyM: 1_000_000, speedMps: null, headingDeg: 0, capturedAt: withOffset },
    ];

    const result = await ingest.ingest(owner, { deviceId: device, points });

    expect(result).toEqual({ accepted: 3, duplicates: 0, rejected: [] });
    const rows = await dataSource.query<Record<string, unknown>[]>(
      `SELECT point_key AS key, (extract(epoch FROM captured_at) * 1000)::float8 AS t, lat, lng, accuracy_m AS "accuracyM",
              speed_mps AS "speedMps", heading_deg AS "headingDeg", is_mock AS "isMock", retention_days AS "retentionDays"
       FROM checkins.track_points WHERE tenant_id = $1 AND user_id = $2 ORDER BY captured_at`,
      [owner.tenantId, owner.userId],
    );
    expect(rows).toEqual([
      {
        key: points[0]!.id!.toLowerCase(), t: at, lat: -33.868820000000014, lng: 151.20929300000002, accuracyM: 4.7,
        speedMps: 13.9, headingDeg: 359.99, isMock: true, retentionDays: 90,
      },
      { key: 'seq:7', t: at + 1, lat: 0, lng: -0.000001, accuracyM: 0, speedMps: null, headingDeg: null, isMock: false, retentionDays: 90 },
      { key: 'seq:8', t: Date.parse(withOffset), lat: 90, lng: 180, accuracyM: 1_000_000, speedMps: null, headingDeg: 0, isMock: false, retentionDays: 90 },
    ]);
  });
});

describe(`${TrackIngestService.name} over HTTP`, () => {
  let service: CheckinsTestApp;
  let dataSource: DataSource;
  const tenantId = randomUUID();

  async function deviceUser(): Promise<{ id: string; post: (body: unknown) => Promise<{ status: number; body: Record<string, unknown> }> }> {
    const id = randomUUID();
    const token = await service.jwks.sign({ sub: id, tid: tenantId, roles: ['rep'], org: 'emea.north' });
    return {
      id,
      post: async (body) => {
        const response = await service.app.inject({
          method: 'POST',
          url: '/api/v1/trajectories/points',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          payload: typeof body === 'string' ? body : JSON.stringify(body),
        });
        return { status: response.statusCode, body: response.json() };
      },
    };
  }

  async function storedCount(userId: string): Promise<number> {
    const [row] = await dataSource.query<{ count: number }[]>(
      `SELECT count(*)::int AS count FROM checkins.track_points WHERE tenant_id = $1 AND user_id = $2`,
      [tenantId, userId],
    );
    return row!.count;
  }

  beforeAll(async () => {
    service = await startCheckinsTestApp();
    dataSource = service.app.get(DataSource);
  });

  afterAll(async () => {
    await service?.close();
  });

  it('stores each point once when two requests send overlapping batches at the same moment, duplicates inside them included', async () => {
    const user = await deviceUser();
    const points = walk(900, { start: new Date(Date.now() - 3_600_000) });
    const first = [...points.slice(0, 600), points[10]!, points[599]!];
    const second = [points[300]!, ...points.slice(300, 900)];

    const answers = await Promise.all([user.post({ deviceId: 'phone-1', points: first }), user.post({ deviceId: 'phone-1', points: second })]);

    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    const accepted = answers.reduce((sum, answer) => sum + (answer.body['accepted'] as number), 0);
    const duplicates = answers.reduce((sum, answer) => sum + (answer.body['duplicates'] as number), 0);
    expect(accepted).toBe(900);
    expect(duplicates).toBe(first.length + second.length - 900);
    expect(answers.flatMap((answer) => answer.body['rejected'] as unknown[])).toEqual([]);
    expect(await storedCount(user.id)).toBe(900);
    const [position] = await service.app.get(LivePositionStore).of(tenantId, [user.id]);
    expect(position?.capturedAt).toBe(points[899]!.capturedAt);
  });

  it('refuses a bad envelope with 400 problem+json naming the field, and stores nothing', async () => {
    const user = await deviceUser();
    const points = walk(3, { start: new Date(Date.now() - 3_600_000) });

    const answers = await Promise.all([
      user.post({ points }),
      user.post({ deviceId: '', points }),
      user.post({ deviceId: 'phone-1', points: [] }),
      user.post({ deviceId: 'phone-1', points: { 0: points[0] } }),
      user.post({ deviceId: 'phone-1', points, extra: true }),
      user.post([points]),
      user.post('{"deviceId": "phone-1", "points": ['),
      user.post({ deviceId: 'phone\u0000-1', points }),
      user.post({ deviceId: 'phone-1', points: [{ ...points[0], capturedAt: '2025-05-06T11:59:00.000Z\ud800' }] }),
    ]);

    expect(answers.map((answer) => [answer.status, answer.body['errors']])).toEqual([
      [400, [expect.objectContaining({ field: 'deviceId' })]],
      [400, [expect.objectContaining({ field: 'deviceId' })]],
      [400, [expect.objectContaining({ field: 'points' })]],
      [400, [expect.objectContaining({ field: 'points' })]],
      [400, [expect.objectContaining({ field: 'extra' })]],
      [400, [expect.objectContaining({ field: 'body' })]],
      [400, undefined],
      [400, [expect.objectContaining({ field: 'deviceId' })]],
      [400, [expect.objectContaining({ field: 'points.0.capturedAt' })]],
    ]);
    for (const answer of answers) expect(answer.body).toMatchObject({ status: 400, type: expect.any(String), title: expect.any(String) });
    expect(await storedCount(user.id)).toBe(0);
  });
});
