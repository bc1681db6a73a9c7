import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { utcDay } from '../src/common/utc-day';
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
});
