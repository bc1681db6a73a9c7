// Visit plan generation for 100,000 customers through the visits service's HTTP endpoint (one week,
// a weekly template: one planned task per customer, its task.planned event in the outbox) against a
// plain INSERT ... SELECT of the same rows into the same table in the same run: tasks per second and
// their ratio. Then the same generation again, which must create nothing (every cycle covered).
//
//   node -r @swc-node/register bench/visits/plans.ts
//   BENCH_CUSTOMERS=100000 BENCH_ROUNDS=2 (defaults)
//   DATABASE_ADMIN_URL (default postgres://postgres:postgres@127.0.0.1:5432/fieldforce): where the scratch database goes
//   The previous week is planned already (100,000 tasks); each round removes this week's tasks and the
//   outbox before each path, baseline first.
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { roleDatabaseUrl, runMigrations, serviceDataSourceOptions, servicePassword, setupDatabase, withDatabase } from '@fieldforce/persistence';
import { createServiceApp, loadConfig } from '@fieldforce/platform';
import { TestJwks } from '@fieldforce/testing';
import { AppModule } from '../../services/visits/src/app.module';
import { VisitsEnv, toVisitsConfig } from '../../services/visits/src/config/visits.config';
import { visitsProblemMappings } from '../../services/visits/src/problems';

const CUSTOMERS = Number(process.env['BENCH_CUSTOMERS'] ?? 100_000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 2);
const ADMIN_URL = process.env['DATABASE_ADMIN_URL'] ?? 'postgres://postgres:postgres@127.0.0.1:5432/fieldforce';
const REPS = 200;
// A Monday-to-Sunday week: the weekly template's one cycle.
const WEEK = { from: '2031-03-03', to: '2031-03-09', key: '1w:2031-03-03' };
const PREVIOUS_WEEK = { to: '2031-03-02', key: '1w:2031-02-24' };

// The baseline: the same rows as generation writes, by one plain INSERT ... SELECT (no coverage check, no events).
const BASELINE_SQL = `
  INSERT INTO visits.visit_tasks (id, tenant_id, customer_id, template_id, template_version, status, assignee_id, org_path, due_date,
    cycle_key, version, created_at, updated_at)
  SELECT gen_random_uuid(), c.tenant_id, c.id, t.id, t.version, 'planned', c.owner_id, c.org_path, CAST($3 AS date), $4, 1, now(), now()
  FROM visits.customers c JOIN visits.visit_templates t ON t.tenant_id = c.tenant_id AND c.grade = ANY(t.grades)
  WHERE c.tenant_id = $1 AND t.id = $2`;

const out = (line: string) => process.stdout.write(`${line}\n`);

async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

async function main(): Promise<void> {
  const name = `fieldforce_bench_plans_${process.pid}`;
  const adminUrl = withDatabase(ADMIN_URL, name);
  await setupDatabase({ adminUrl, services: ['visits'] });
  const url = roleDatabaseUrl(adminUrl, 'visits', servicePassword('visits'));
  const db = await new DataSource(
    serviceDataSourceOptions({
      service: 'visits',
      url,
      poolSize: 2,
      migrations: [path.join(__dirname, '../../services/visits/src/database/migrations/*.ts')],
    }),
  ).initialize();
  await runMigrations(db, 'up');
  const jwks = await TestJwks.start();
  const config = loadConfig(VisitsEnv, toVisitsConfig, {
    DATABASE_URL: url,
    // Nobody listens there: the service runs without Kafka and keeps its events in the outbox.
    KAFKA_BROKERS: '127.0.0.1:1',
    REMINDERS_ENABLED: 'false',
    LOG_LEVEL: 'silent',
    NODE_ENV: 'test',
    ...jwks.env(),
  });
  const app = await createServiceApp(AppModule.forConfig(config), config, { openApi: { title: 'visits bench', version: 'bench' }, problemMappings: visitsProblemMappings });
  try {
    const tenantId = randomUUID();
    const admin = { authorization: `Bearer ${await jwks.sign({ tid: tenantId, roles: ['admin'], org: 'bench' })}` };
    const template = await app.inject({
      method: 'POST',
      url: '/api/v1/visit-templates',
      headers: admin,
      payload: { name: 'Weekly', grades: ['A'], frequency: { every: 1, unit: 'week' }, expectedDurationMinutes: 30, geofenceRadiusMeters: 150, steps: [{ key: 'arrive', type: 'check-in', required: true }] },
    });
    if (template.statusCode !== 201) throw new Error(`template create answered ${template.statusCode}: ${template.body}`);
    const templateId = template.json<{ id: string }>().id;
    // The customers read model as the customer events would have filled it: 200 reps, 20 teams.
    await db.query(
      `INSERT INTO visits.customers (id, tenant_id, name, grade, lat, lng, owner_id, org_path, version, updated_at)
       SELECT gen_random_uuid(), $1, 'Shop ' || n, 'A', 52 + random(), 13 + random(), reps.ids[1 + n % $3], 'bench.team' || (n % 20), 1, now()
       FROM generate_series(1, $2) AS n, (SELECT array_agg(gen_random_uuid()) AS ids FROM generate_series(1, $3)) AS reps`,
      [tenantId, CUSTOMERS, REPS],
    );
    await db.query('ANALYZE visits.customers');
    out(`\nplan generation for ${CUSTOMERS} customers (one weekly cycle each), ${ROUNDS} rounds`);

    // Last week's plan is already there, as in a running system: the coverage check reads a table of
    // realistic size and statistics, not an empty one.
    await db.query(BASELINE_SQL, [tenantId, templateId, PREVIOUS_WEEK.to, PREVIOUS_WEEK.key]);
    const reset = async () => {
      await db.query('DELETE FROM visits.visit_tasks WHERE cycle_key = $1', [WEEK.key]);
      await db.query('DELETE FROM visits.outbox');
      await db.query('VACUUM ANALYZE visits.visit_tasks');
    };
    const baselines: number[] = [];
    const generations: number[] = [];
    for (let round = 1; round <= ROUNDS; round += 1) {
      await reset();
      const baseline = await timed(async () => {
        await db.query(BASELINE_SQL, [tenantId, templateId, WEEK.to, WEEK.key]);
      });
      const [{ inserted }] = await db.query<[{ inserted: number }]>('SELECT CAST(count(*) AS integer) AS inserted FROM visits.visit_tasks WHERE cycle_key = $1', [WEEK.key]);
      if (inserted !== CUSTOMERS) throw new Error(`baseline inserted ${inserted} rows`);
      await reset();
      let created = 0;
      const generation = await timed(async () => {
        const response = await app.inject({ method: 'POST', url: '/api/v1/visit-plans/generate', headers: admin, payload: { from: WEEK.from, to: WEEK.to } });
        if (response.statusCode !== 200) throw new Error(`generate answered ${response.statusCode}: ${response.body.slice(0, 300)}`);
        created = response.json<{ created: number }>().created;
      });
      if (created !== CUSTOMERS) throw new Error(`generation created ${created} tasks`);
      const [{ events }] = await db.query<[{ events: number }]>(`SELECT CAST(count(*) AS integer) AS events FROM visits.outbox WHERE event_type = 'fieldforce.visits.task.planned.v1'`);
      let again = 0;
      const rerun = await timed(async () => {
        const response = await app.inject({ method: 'POST', url: '/api/v1/visit-plans/generate', headers: admin, payload: { from: WEEK.from, to: WEEK.to } });
        again = response.json<{ created: number }>().created;
      });
      if (again !== 0) throw new Error(`the second generation created ${again} tasks`);
      baselines.push(baseline);
      generations.push(generation);
      const rate = (ms: number) => `${Math.round((CUSTOMERS / ms) * 1000).toLocaleString('en-US')} tasks/s (${(ms / 1000).toFixed(2)} s)`;
      out(`  round ${round}: baseline INSERT ... SELECT ${rate(baseline)} | generate ${rate(generation)}, ${events} task.planned events | ratio ${(baseline / generation).toFixed(2)} | rerun (nothing to create) ${(rerun / 1000).toFixed(2)} s`);
    }
    const best = (values: number[]) => Math.min(...values);
    out(`  best of ${ROUNDS}: generation runs at ${((best(baselines) / best(generations)) * 100).toFixed(1)}% of the plain insert's rate`);
  } finally {
    await app.close();
    await jwks.stop();
    await db.destroy();
    const client = new Client({ connectionString: withDatabase(ADMIN_URL, 'postgres') });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
    await client.end();
  }
}

void main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
