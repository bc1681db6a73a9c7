// Push of 1,000 queued mutations (a device back online after a long day): mutations per second
// through POST /api/v1/sync/push, against the owner's internal endpoint (customers
// POST /internal/v1/mutations) called directly with the same mutations in the same run — the
// ratio is what the sync protocol costs (ordering, row lock, payload hash, stored result) on
// top of the owner's own work.
// Both services run in processes of their own over a scratch database, as in production;
// Kafka is deliberately unreachable (events wait in the outbox, as the services allow).
//
//   node -r @swc-node/register bench/sync/push.ts
//   BENCH_MUTATIONS=1000 BENCH_CUSTOMERS=100 BENCH_ROUNDS=3 (defaults)
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { roleDatabaseUrl, runMigrations, serviceDataSourceOptions, servicePassword, setupDatabase, withDatabase } from '@fieldforce/persistence';
import { type ServiceProcess, TestJwks, startServiceProcess } from '@fieldforce/testing';

const MUTATIONS = Number(process.env['BENCH_MUTATIONS'] ?? 1_000);
const CUSTOMERS = Number(process.env['BENCH_CUSTOMERS'] ?? 100);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const ADMIN_URL = process.env['DATABASE_ADMIN_URL'] ?? 'postgres://postgres:postgres@127.0.0.1:5432/fieldforce';
const NO_KAFKA = '127.0.0.1:1';

interface Mutation {
  mutationId: number;
  entity: 'customer';
  entityId: string;
  op: 'create' | 'update';
  baseVersion: number;
  base: Record<string, unknown>;
  changes: Record<string, unknown>;
}

/** A day's queue: creates of new customers, then edits of them, each on the version the device last saw. */
function queue(length = MUTATIONS): Mutation[] {
  const ids = Array.from({ length: CUSTOMERS }, () => randomUUID());
  const versions = new Map<string, number>();
  return Array.from({ length }, (_, index) => {
    const mutationId = index + 1;
    if (index < CUSTOMERS) {
      const entityId = ids[index]!;
      versions.set(entityId, 1);
      return { mutationId, entity: 'customer', entityId, op: 'create', baseVersion: 0, base: {}, changes: { name: `Shop ${index}`, tags: [] } };
    }
    const entityId = ids[index % CUSTOMERS]!;
    const baseVersion = versions.get(entityId)!;
    versions.set(entityId, baseVersion + 1);
    const changes = index % 2 === 0 ? { address: `Street ${index}` } : { tags: [`visit-${index}`] };
    return { mutationId, entity: 'customer', entityId, op: 'update', baseVersion, base: {}, changes };
  });
}

async function scratchDatabase(): Promise<{ adminUrl: string; drop(): Promise<void> }> {
  const name = `fieldforce_bench_push_${process.pid}`;
  const adminUrl = withDatabase(ADMIN_URL, name);
  await setupDatabase({ adminUrl, services: ['customers', 'sync'] });
  for (const service of ['customers', 'sync'] as const) {
    const dataSource = await new DataSource(
      serviceDataSourceOptions({
        service,
        url: roleDatabaseUrl(adminUrl, service, servicePassword(service)),
        migrations: [path.join(__dirname, `../../services/${service}/src/database/migrations/*.ts`)],
      }),
    ).initialize();
    await runMigrations(dataSource, 'up');
    await dataSource.destroy();
  }
  return {
    adminUrl,
    drop: async () => {
      const client = new Client({ connectionString: withDatabase(ADMIN_URL, 'postgres') });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
      await client.end();
    },
  };
}

async function post(url: string, token: string, body: unknown, headers: Record<string, string> = {}): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
    body: JSON.stringify(body),
  });
  const answer: unknown = await response.json();
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}: ${JSON.stringify(answer).slice(0, 500)}`);
  return answer;
}

async function main(): Promise<void> {
  const database = await scratchDatabase();
  const jwks = await TestJwks.start();
  let customers: ServiceProcess | undefined;
  let sync: ServiceProcess | undefined;
  try {
    const env = { ...jwks.env(), KAFKA_BROKERS: NO_KAFKA, LOG_LEVEL: 'error' };
    // Readiness includes Kafka, which is away on purpose: liveness says the HTTP side is up.
    customers = await startServiceProcess('customers', { ...env, DATABASE_URL: roleDatabaseUrl(database.adminUrl, 'customers', servicePassword('customers')) }, { readyPath: '/health/live' });
    sync = await startServiceProcess(
      'sync',
      { ...env, DATABASE_URL: roleDatabaseUrl(database.adminUrl, 'sync', servicePassword('sync')), OWNER_CUSTOMERS_URL: customers.url },
      { readyPath: '/health/live' },
    );

    const tenantId = randomUUID();
    const repId = randomUUID();
    // The rep as the permissions service's user events would have told customers.
    const admin = new Client({ connectionString: database.adminUrl });
    await admin.connect();
    await admin.query(
      `INSERT INTO customers.users (id, tenant_id, display_name, org_unit_id, org_path, roles, active, version, updated_at)
       VALUES ($1, $2, 'Bench Rep', $3, 'bench', ARRAY['rep'], true, 1, now())`,
      [repId, tenantId, randomUUID()],
    );
    await admin.end();
    const token = await jwks.sign({ sub: repId, tid: tenantId, roles: ['rep'], org: 'bench' }, { expiresInSeconds: 3_600 });

    const viaSync = async (length = MUTATIONS): Promise<number> => {
      const mutations = queue(length);
      const clientId = randomUUID();
      const start = performance.now();
      const answer = (await post(`${sync!.url}/api/v1/sync/push`, token, { clientId, mutations })) as { results: { status: string }[] };
      const ms = performance.now() - start;
      const applied = answer.results.filter((result) => result.status === 'applied').length;
      if (applied !== length) throw new Error(`sync applied ${applied} of ${length}: ${JSON.stringify(answer.results.find((r) => r.status !== 'applied'))}`);
      return ms;
    };
    const direct = async (length = MUTATIONS): Promise<number> => {
      const mutations = queue(length);
      const clientId = randomUUID();
      const start = performance.now();
      for (const { mutationId, ...mutation } of mutations) {
        const answer = (await post(`${customers!.url}/internal/v1/mutations`, token, mutation, { 'idempotency-key': `${clientId}:${mutationId}` })) as { status: string };
        if (answer.status !== 'applied') throw new Error(`owner answered ${JSON.stringify(answer)}`);
      }
      return performance.now() - start;
    };

    const rate = (ms: number) => (MUTATIONS / ms) * 1_000;
    process.stdout.write(`\npush of ${MUTATIONS} queued mutations (${CUSTOMERS} creates, then updates), ${ROUNDS} rounds\n`);
    // Warm-up: JIT, connection pools, JWKS caches.
    await direct(Math.min(MUTATIONS, 200));
    await viaSync(Math.min(MUTATIONS, 200));
    const ratios: number[] = [];
    for (let round = 1; round <= ROUNDS; round += 1) {
      // Alternate the order, so neither variant always runs on a warmer (or fuller) database.
      let syncTime: number;
      let directMs: number;
      if (round % 2 === 1) {
        syncTime = await viaSync();
        directMs = await direct();
      } else {
        directMs = await direct();
        syncTime = await viaSync();
      }
      ratios.push(rate(syncTime) / rate(directMs));
      process.stdout.write(
        `  round ${round}: sync push ${rate(syncTime).toFixed(0)} mutations/s (${(syncTime / 1000).toFixed(2)} s) | ` +
          `owner directly ${rate(directMs).toFixed(0)} mutations/s (${(directMs / 1000).toFixed(2)} s) | ratio ${ratios.at(-1)!.toFixed(2)}\n`,
      );
    }
    const median = [...ratios].sort((a, b) => a - b)[Math.floor(ratios.length / 2)]!;
    process.stdout.write(`median ratio sync/direct: ${median.toFixed(2)} (1.00 = push costs nothing on top of the owner)\n`);
  } finally {
    await sync?.stop();
    await customers?.stop();
    await jwks.stop();
    await database.drop();
  }
}

void main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
