// `near` search over 100,000 customers of one tenant: p95 latency of the service's own query
// using its spatial index, against the same query with index scans switched off (a sequential
// scan) in the same run — for PostGIS (geography + GiST) where the server has it, and for the
// plain-SQL fallback (btree on lat/lng + bounding box + sphere distance).
//
//   node -r @swc-node/register bench/customers/near.ts
//   BENCH_CUSTOMERS=100000 BENCH_QUERIES=200 BENCH_RADIUS_M=2000 (defaults)
import { randomUUID } from 'node:crypto';
import { type DataSource } from 'typeorm';
import { CustomersRepository } from '../../services/customers/src/modules/customers/customers.repository';
import { SpatialSupport } from '../../services/customers/src/modules/geo/spatial-support';
import { type BenchApp, createBenchDatabase, format, LastQuery, percentile, seededRandom, startBenchApp, timed } from './bench-env';

const CUSTOMERS = Number(process.env['BENCH_CUSTOMERS'] ?? 100_000);
const QUERIES = Number(process.env['BENCH_QUERIES'] ?? 200);
const RADIUS_M = Number(process.env['BENCH_RADIUS_M'] ?? 2_000);
const PAGE = 50;
// A metropolitan region of about 1° × 1°.
const REGION = { minLat: 52.0, minLng: 13.0, size: 1.0 };

async function fill(dataSource: DataSource, tenantId: string): Promise<void> {
  const random = seededRandom(1);
  const grades = ['A', 'B', 'C', 'D'];
  for (let start = 0; start < CUSTOMERS; start += 5_000) {
    const rows = Array.from({ length: Math.min(5_000, CUSTOMERS - start) }, (_, index) => ({
      id: randomUUID(),
      name: `Customer ${start + index}`,
      grade: grades[(start + index) % 4],
      lat: REGION.minLat + random() * REGION.size,
      lng: REGION.minLng + random() * REGION.size,
    }));
    await dataSource.query(
      `INSERT INTO customers.customers (id, tenant_id, version, name, grade, lat, lng, owner_id, org_path)
       SELECT r.id, $1, 1, r.name, r.grade, r.lat, r.lng, $1, 'bench' FROM jsonb_to_recordset($2::jsonb) AS r(id uuid, name text, grade text, lat float8, lng float8)`,
      [tenantId, JSON.stringify(rows)],
    );
  }
  await dataSource.query('ANALYZE customers.customers');
}

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

/** The scans in the plan of the last query `dataSource` ran (index scans with their index). */
async function scansOf(dataSource: DataSource, lastQuery: LastQuery): Promise<string> {
  const [row] = await dataSource.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }[]>(`EXPLAIN (FORMAT JSON) ${lastQuery.sql}`, lastQuery.parameters);
  const scans: string[] = [];
  const walk = (node: PlanNode) => {
    if (node['Node Type'].includes('Scan')) scans.push(node['Index Name'] ? `${node['Node Type']} on ${node['Index Name']}` : node['Node Type']);
    node.Plans?.forEach(walk);
  };
  walk(row!['QUERY PLAN'][0].Plan);
  return scans.join(', ');
}

async function measure(
  repository: CustomersRepository,
  tenantId: string,
  dataSource: DataSource,
  lastQuery: LastQuery,
): Promise<{ p50: number; p95: number; found: number; scans: string }> {
  const subject = { userId: tenantId, tenantId, orgPath: 'bench', scope: 'all' as const };
  const random = seededRandom(2);
  const centers = Array.from({ length: QUERIES + 20 }, () => ({
    lat: REGION.minLat + 0.05 + random() * (REGION.size - 0.1),
    lng: REGION.minLng + 0.05 + random() * (REGION.size - 0.1),
  }));
  let found = 0;
  const run = (center: { lat: number; lng: number }) =>
    repository.list(subject, { near: { center, radiusM: RADIUS_M } }, undefined, PAGE).then((rows) => (found += rows.length));
  for (const center of centers.slice(0, 20)) await run(center);
  found = 0;
  const samples: number[] = [];
  for (const center of centers.slice(20)) samples.push(await timed(() => run(center)));
  return { p50: percentile(samples, 0.5), p95: percentile(samples, 0.95), found: found / QUERIES, scans: await scansOf(dataSource, lastQuery) };
}

async function main(): Promise<void> {
  const database = await createBenchDatabase('near');
  const apps: BenchApp[] = [];
  const sources: DataSource[] = [];
  try {
    const tenantId = randomUUID();
    const filler = await database.dataSource();
    sources.push(filler);
    process.stdout.write(`inserting ${CUSTOMERS} customers…\n`);
    await fill(filler, tenantId);
    const indexedQuery = new LastQuery();
    const indexed = await database.dataSource(undefined, indexedQuery);
    // The same query planned without index or bitmap scans: the sequential scan to compare with.
    const sequentialQuery = new LastQuery();
    const sequential = await database.dataSource('-c enable_indexscan=off -c enable_bitmapscan=off -c enable_indexonlyscan=off', sequentialQuery);
    sources.push(indexed, sequential);

    for (const backend of ['postgis', 'plain'] as const) {
      const app = await startBenchApp(database, { SPATIAL_BACKEND: backend }).catch((error: Error) => {
        process.stdout.write(`${backend}: skipped (${error.message})\n`);
        return undefined;
      });
      if (!app) continue;
      apps.push(app);
      // The service's own query code, over connections of this benchmark (so the plans can be compared).
      const spatial = app.app.get(SpatialSupport);
      const withIndex = await measure(new CustomersRepository(indexed, spatial), tenantId, indexed, indexedQuery);
      const scanned = await measure(new CustomersRepository(sequential, spatial), tenantId, sequential, sequentialQuery);
      process.stdout.write(
        `\n${backend}: near within ${RADIUS_M} m, first page of ${PAGE}, ${QUERIES} queries over ${CUSTOMERS} customers (≈${withIndex.found.toFixed(0)} per page)\n` +
          `  with index       p50 ${format(withIndex.p50)}  p95 ${format(withIndex.p95)}   [${withIndex.scans}]\n` +
          `  sequential scan  p50 ${format(scanned.p50)}  p95 ${format(scanned.p95)}   [${scanned.scans}]\n` +
          `  p95 ratio (sequential / index): ${(scanned.p95 / withIndex.p95).toFixed(1)}×\n`,
      );
    }
  } finally {
    for (const app of apps) await app.close();
    for (const source of sources) await source.destroy();
    await database.drop();
  }
}

void main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
