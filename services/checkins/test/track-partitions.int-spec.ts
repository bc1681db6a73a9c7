import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import { type DataSource } from 'typeorm';
import { runMigrations } from '@fieldforce/persistence';
import { createRedisClient, loadConfig } from '@fieldforce/platform';
import { createTestDatabase, createTestDataSource, type TestDatabase, testRedis } from '@fieldforce/testing';
import { CheckinsEnv, toCheckinsConfig } from '../src/config/checkins.config';
import { CheckInsRepository } from '../src/modules/check-ins/check-ins.repository';
import { DirectoryService } from '../src/modules/directory/directory.service';
import { LivePositionStore } from '../src/modules/live-positions/live-position.store';
import { TrackIngestService } from '../src/modules/trajectories/track-ingest.service';
import { TrackPointsRepository } from '../src/modules/trajectories/track-points.repository';
import { partitionName, TrackPartitions } from '../src/modules/trajectories/track/track-partitions';
import { validateTrackPoints } from '../src/modules/trajectories/track/track-point';
import { walk } from './factories/track-points';

const MIGRATIONS = [path.join(__dirname, '../src/database/migrations/*.ts')];

// A database of its own: these tests move the clock years ahead and drop whole days, which
// would drop partitions the other test files of the run are writing to.
describe(TrackPartitions.name, () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let redis: Redis;
  const tenantId = randomUUID();

  const names = (retentionDays: number, days: string[]): string[] => days.map((day) => partitionName({ retentionDays, day }));

  async function storePoints(start: string, retentionDays: number, count = 10): Promise<void> {
    const now = new Date(start);
    const { valid } = validateTrackPoints(walk(count, { start: now }), now);
    await new TrackPointsRepository(dataSource).insert({ tenantId, userId: randomUUID(), deviceId: 'phone' }, valid, () => retentionDays);
  }

  async function countPoints(retentionDays: number): Promise<number> {
    const [row] = await dataSource.query<{ count: string }[]>(
      `SELECT count(*) FROM checkins.track_points WHERE tenant_id = $1 AND retention_days = $2`,
      [tenantId, retentionDays],
    );
    return Number(row!.count);
  }

  beforeAll(async () => {
    database = await createTestDatabase('track-partitions');
    dataSource = await createTestDataSource('checkins', { url: database.serviceUrl('checkins'), migrations: MIGRATIONS });
    await runMigrations(dataSource, 'up');
    redis = createRedisClient(testRedis());
  });

  afterAll(async () => {
    redis?.disconnect();
    await dataSource?.destroy();
    await database?.drop();
  });

  it('creates the days from yesterday to the days ahead, for every retention class in use', async () => {
    const partitions = new TrackPartitions(dataSource);

    const first = await partitions.maintain({ now: new Date('2031-03-10T12:00:00Z'), aheadDays: 2, retentionClasses: [90, 30] });
    const second = await partitions.maintain({ now: new Date('2031-03-10T18:00:00Z'), aheadDays: 2, retentionClasses: [90, 30] });

    const days = ['2031-03-09', '2031-03-10', '2031-03-11', '2031-03-12'];
    expect(first.created.sort()).toEqual([...names(30, days), ...names(90, days)]);
    expect(second).toEqual({ created: [], dropped: [] });
    expect(await partitions.existing()).toEqual([...names(30, days), ...names(90, days)]);
  });

  it('creates each partition once when several replicas maintain at the same moment, for new and existing classes', async () => {
    const replicas = [1, 2, 3].map(() => new TrackPartitions(dataSource));

    const runs = await Promise.all(
      replicas.map((replica) => replica.maintain({ now: new Date('2031-06-01T00:00:00Z'), aheadDays: 1, retentionClasses: [45] })),
    );

    const created = runs.flatMap((run) => run.created).sort();
    const days = ['2031-05-31', '2031-06-01', '2031-06-02'];
    expect(created).toEqual([...names(30, days), ...names(45, days), ...names(90, days)]);
  });

  it("drops whole days past their class's retention with their points, and keeps every other day", async () => {
    const partitions = new TrackPartitions(dataSource);
    await partitions.maintain({ now: new Date('2031-03-10T12:00:00Z'), aheadDays: 2, retentionClasses: [90, 30] });
    await storePoints('2031-03-09T08:00:00Z', 30);
    await storePoints('2031-03-11T08:00:00Z', 30);
    await storePoints('2031-03-09T08:00:00Z', 90);

    // 2031-04-10 keeps class 30 from 2031-03-11 on, class 90 from 2031-01-10 on.
    const run = await partitions.maintain({ now: new Date('2031-04-10T01:00:00Z'), aheadDays: 0, retentionClasses: [90, 30] });

    expect(run.dropped).toEqual(names(30, ['2031-03-09', '2031-03-10']));
    expect(await countPoints(30)).toBe(10);
    expect(await countPoints(90)).toBe(10);
    const existing = await partitions.existing();
    expect(existing).toEqual(expect.arrayContaining(names(30, ['2031-03-11', '2031-03-12', '2031-04-09', '2031-04-10'])));
    expect(existing).toEqual(expect.arrayContaining(names(90, ['2031-03-09', '2031-03-10', '2031-04-10'])));
  });

  it('recreates a partition another replica dropped after this one had seen it, and stores the batch', async () => {
    const config = loadConfig(CheckinsEnv, toCheckinsConfig, { DATABASE_URL: database.serviceUrl('checkins'), NODE_ENV: 'test' });
    const partitions = new TrackPartitions(dataSource);
    const ingest = new TrackIngestService(
      new TrackPointsRepository(dataSource),
      partitions,
      new DirectoryService(dataSource),
      new CheckInsRepository(dataSource),
      new LivePositionStore(redis),
      config,
    );
    const owner = { tenantId, userId: randomUUID(), orgPath: 'hq' };
    const now = new Date();
    const points = walk(20, { start: new Date(now.getTime() - 3_600_000) });
    await ingest.ingest(owner, { deviceId: 'phone', points: points.slice(0, 10) }, now);
    for (const name of await partitions.existing()) await dataSource.query(`DROP TABLE checkins.${name}`);

    const result = await ingest.ingest(owner, { deviceId: 'phone', points }, now);

    expect(result).toEqual({ accepted: 20, duplicates: 0, rejected: [] });
  });
});
