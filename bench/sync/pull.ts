// Initial sync of 10,000 visible records (every page) and an incremental pull with nothing new,
// through the service's own route (token check, policy, feed query, masking, JSON), against the
// plain SQL read of the same rows from the same table in the same run. The tenant also holds
// other reps' records the reader does not see.
//
//   node -r @swc-node/register bench/sync/pull.ts
//   BENCH_VISIBLE=10000 BENCH_HIDDEN=10000 BENCH_LIMIT=200 BENCH_ROUNDS=3 BENCH_IDLE_PULLS=200 (defaults)
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { type CustomerState, uuidv7 } from '@fieldforce/contracts';
import { roleDatabaseUrl, runMigrations, serviceDataSourceOptions, servicePassword, setupDatabase, withDatabase } from '@fieldforce/persistence';
import { createServiceApp, loadConfig } from '@fieldforce/platform';
import { TestJwks } from '@fieldforce/testing';
import { AppModule } from '../../services/sync/src/app.module';
import { SyncEnv, toSyncConfig } from '../../services/sync/src/config/sync.config';
import { syncProblemMappings } from '../../services/sync/src/problem-mappings';
import { median } from '../stats';

const VISIBLE = Number(process.env['BENCH_VISIBLE'] ?? 10_000);
const HIDDEN = Number(process.env['BENCH_HIDDEN'] ?? 10_000);
const LIMIT = Number(process.env['BENCH_LIMIT'] ?? 200);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const IDLE_PULLS = Number(process.env['BENCH_IDLE_PULLS'] ?? 200);
const ADMIN_URL = process.env['DATABASE_ADMIN_URL'] ?? 'postgres://postgres:postgres@127.0.0.1:5432/fieldforce';

const ms = (value: number) => `${value.toFixed(2)} ms`;

async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

function customer(tenantId: string, ownerId: string, index: number): CustomerState {
  return {
    id: uuidv7(),
    tenantId,
    name: `Customer ${index}`,
    grade: ['A', 'B', 'C', 'D'][index % 4]!,
    location: { lat: 52 + (index % 1000) / 1000, lng: 13 + (index % 997) / 1000 },
    address: `Street ${index}, 10115 Berlin`,
    contacts: [{ name: `Contact ${index}`, phone: '+49 30 1234567' }],
    tags: ['retail'],
    externalId: `CRM-${index}`,
    ownerId,
    orgPath: 'emea.north',
    creditLimit: 10_000 + index,
    customFields: { openingHours: 'Mo-Fr 08:00-18:00' },
    version: 1,
    createdAt: '2024-07-15T08:30:00.000Z',
    updatedAt: '2024-07-15T08:30:00.000Z',
    deletedAt: null,
  };
}

async function main(): Promise<void> {
  const name = `fieldforce_bench_sync_${process.pid}`;
  const adminUrl = withDatabase(ADMIN_URL, name);
  await setupDatabase({ adminUrl, services: ['sync'] });
  const url = roleDatabaseUrl(adminUrl, 'sync', servicePassword('sync'));
  const dataSource = await new DataSource(
    serviceDataSourceOptions({
      service: 'sync',
      url,
      poolSize: 4,
      migrations: [path.join(__dirname, '../../services/sync/src/database/migrations/*.ts')],
    }),
  ).initialize();
  await runMigrations(dataSource, 'up');
  const jwks = await TestJwks.start();
  const config = loadConfig(SyncEnv, toSyncConfig, {
    DATABASE_URL: url,
    // Nobody listens there: the feed is filled directly below.
    KAFKA_BROKERS: '127.0.0.1:1',
    LOG_LEVEL: 'silent',
    NODE_ENV: 'test',
    ...jwks.env(),
  });
  const app = await createServiceApp(AppModule.forConfig(config), config, { openApi: { title: 'sync bench', version: 'bench' }, problemMappings: syncProblemMappings });
  try {
    const tenantId = randomUUID();
    const repId = randomUUID();
    const fillStart = performance.now();
    const owners = [...Array.from({ length: VISIBLE }, () => repId), ...Array.from({ length: HIDDEN }, () => randomUUID())];
    // Interleaved, so the reader's records are spread over the whole sequence range.
    owners.sort(() => Math.random() - 0.5);
    // Set-based, as the consumer's apply leaves them (its path is what the integration tests cover).
    for (let start = 0; start < owners.length; start += 2_000) {
      const states = owners.slice(start, start + 2_000).map((ownerId, index) => customer(tenantId, ownerId, start + index));
      await dataSource.query(
        `INSERT INTO sync.feed_records (tenant_id, entity, id, seq, version, owner_id, org_path, deleted, data)
         SELECT $1, 'customer', (c->>'id')::uuid, $2 + ord, 1, (c->>'ownerId')::uuid, c->>'orgPath', false, c
         FROM jsonb_array_elements($3::jsonb) WITH ORDINALITY AS t(c, ord)`,
        [tenantId, start, JSON.stringify(states)],
      );
    }
    await dataSource.query(`INSERT INTO sync.feed_tenants (tenant_id, last_seq) VALUES ($1, $2)`, [tenantId, owners.length]);
    await dataSource.query('ANALYZE sync.feed_records');
    process.stdout.write(`filled ${owners.length} records (${VISIBLE} visible to the reader) in ${ms(performance.now() - fillStart)}\n`);

    const token = await jwks.sign({ tid: tenantId, sub: repId, roles: ['rep'], org: 'emea.north' });
    const pull = async (cursor?: string) => {
      const query = new URLSearchParams({ limit: String(LIMIT), ...(cursor ? { cursor } : {}) });
      const response = await app.inject({ method: 'GET', url: `/api/v1/sync/pull?${query.toString()}`, headers: { authorization: `Bearer ${token}` } });
      if (response.statusCode !== 200) throw new Error(`pull answered ${response.statusCode}: ${response.body}`);
      return response.json<{ changes: unknown[]; cursor: string; hasMore: boolean }>();
    };
    const initialSync = async () => {
      let cursor: string | undefined;
      let received = 0;
      let pages = 0;
      for (;;) {
        const page = await pull(cursor);
        received += page.changes.length;
        pages += 1;
        cursor = page.cursor;
        if (!page.hasMore) return { cursor, received, pages };
      }
    };
    const plainRead = () =>
      dataSource.query(`SELECT entity, id, version, data FROM sync.feed_records WHERE tenant_id = $1 AND owner_id = $2 AND NOT deleted ORDER BY seq`, [
        tenantId,
        repId,
      ]);

    const warm = await initialSync();
    if (warm.received !== VISIBLE) throw new Error(`the initial sync delivered ${warm.received} records, expected ${VISIBLE}`);
    if ((await plainRead()).length !== VISIBLE) throw new Error('the plain read disagrees');
    const syncTimes: number[] = [];
    const plainTimes: number[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      syncTimes.push(await timed(initialSync));
      plainTimes.push(await timed(plainRead));
    }
    const [{ lastSeq }] = await dataSource.query(`SELECT last_seq AS "lastSeq" FROM sync.feed_tenants WHERE tenant_id = $1`, [tenantId]);
    const idleTimes: number[] = [];
    const plainIdleTimes: number[] = [];
    for (let i = 0; i < IDLE_PULLS; i += 1) {
      idleTimes.push(await timed(async () => {
        const page = await pull(warm.cursor);
        if (page.changes.length !== 0 || page.hasMore) throw new Error('an idle pull found changes');
      }));
      plainIdleTimes.push(await timed(() =>
        dataSource.query(`SELECT entity, id, version, data FROM sync.feed_records WHERE tenant_id = $1 AND owner_id = $2 AND seq > $3 ORDER BY seq LIMIT $4`, [
          tenantId,
          repId,
          lastSeq,
          LIMIT,
        ]),
      ));
    }

    const initial = median(syncTimes);
    const plain = median(plainTimes);
    const idle = median(idleTimes);
    const plainIdle = median(plainIdleTimes);
    process.stdout.write(
      [
        `initial sync: ${VISIBLE} records in ${warm.pages} pages of ${LIMIT}: ${ms(initial)} (median of ${ROUNDS}), ${((VISIBLE / initial) * 1000).toFixed(0)} records/s`,
        `plain SQL read of the same ${VISIBLE} rows (one query): ${ms(plain)}`,
        `ratio initial sync / plain read: ${(initial / plain).toFixed(2)}`,
        `incremental pull with nothing new: ${ms(idle)} (median of ${IDLE_PULLS}); plain SQL read of the same (empty) range: ${ms(plainIdle)}`,
        `ratio idle pull / plain read: ${(idle / plainIdle).toFixed(2)}`,
      ].join('\n') + '\n',
    );
  } finally {
    await app.close();
    await jwks.stop();
    await dataSource.destroy();
    const client = new Client({ connectionString: withDatabase(ADMIN_URL, 'postgres') });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
    await client.end();
  }
}

void main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
