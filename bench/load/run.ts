// Load test: simulated reps doing a field day's mix through the gateway, in stages of growing
// fleet size, on this machine. Reports sustained requests per second, p50/p99 per route, the
// error rate, and where the time goes (CPU of each service, Postgres backends, Redis, the broker,
// the load generator itself; Postgres wait events) — the bottleneck.
//
//   node -r @swc-node/register bench/load/run.ts
//   LOAD_STAGES=200,1000,2000   reps per stage (default)
//   LOAD_STAGE_SECONDS=60       how long each stage runs after its reps logged in
//   LOAD_THINK_MS=10000         a rep's mean pause between two actions (exponential)
//   LOAD_REPORT=reports/load.json
//
// Everything runs in its own scratch database, Redis key prefix and dev Kafka broker process, as
// `npm run dev` runs it; nothing is mocked. The whole machine is shared: the generator, the six
// services, the broker, Postgres and Redis all run on its cores, so read the CPU table with that.
//
// A rep's day is compressed: a real device sends a track batch a minute and checks in a few times
// an hour; here each rep acts every LOAD_THINK_MS on average with the same proportions:
//   35% track batch of 30 points · 15% sync pull · 10% customer list · 10% task list · 10% check-in
//   (the next check-in action of that rep checks out) · 10% sync push of a customer edit · 10% /me
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { generate } from 'otplib';
import { Client } from 'pg';
import { roleDatabaseUrl, servicePassword, withDatabase } from '@fieldforce/persistence';
import { BrokerProcess, type Platform, PLATFORM_SERVICES, runDbSetup, runWorkspaceScript, startPlatform } from '@fieldforce/testing';

const ROOT = path.resolve(__dirname, '..', '..');
const STAGES = (process.env['LOAD_STAGES'] ?? '200,1000,2000').split(',').map(Number);
const STAGE_SECONDS = Number(process.env['LOAD_STAGE_SECONDS'] ?? 60);
const THINK_MS = Number(process.env['LOAD_THINK_MS'] ?? 10_000);
const REPORT = process.env['LOAD_REPORT'] ?? path.join(ROOT, 'reports', 'load.json');
const ADMIN_URL = process.env['DATABASE_ADMIN_URL'] ?? 'postgres://postgres:postgres@127.0.0.1:5432/fieldforce';
const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const PASSWORD = 'a-load-test-password';
const CUSTOMERS_PER_REP = 2;
const REPS_PER_TEAM = 50;
const SETUP_CONCURRENCY = 8;

type Route =
  | 'POST /trajectories/points'
  | 'GET /sync/pull'
  | 'GET /customers'
  | 'GET /visit-tasks'
  | 'POST /check-ins'
  | 'POST /check-ins/:id/check-out'
  | 'POST /sync/push'
  | 'GET /me';

interface Sample {
  route: Route;
  status: number;
  ms: number;
}

interface Customer {
  id: string;
  lat: number;
  lng: number;
}

interface Rep {
  username: string;
  token: string;
  deviceId: string;
  customers: Customer[];
  seq: number;
  cursor: string;
  openCheckIn: { id: string; customer: Customer } | undefined;
  mutationId: number;
  versions: Map<string, number>;
}

// ---- processes and scratch resources --------------------------------------------------------

// ---- CPU accounting from /proc ---------------------------------------------------------------

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

function processTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]); // utime + stime
  } catch {
    return 0; // the process ended
  }
}

function machineTicks(): { busy: number; total: number } {
  const [cpu] = readFileSync('/proc/stat', 'utf8').split('\n');
  const values = cpu!.trim().split(/\s+/).slice(1).map(Number);
  const total = values.reduce((sum, value) => sum + value, 0);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  return { busy: total - idle, total };
}

function pidsOf(command: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSafe('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmdline.split('\0')[0]?.endsWith(command)) pids.push(Number(entry));
    } catch {
      // gone
    }
  }
  return pids;
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** CPU seconds per component over a stage: each service, the broker, Postgres backends of this database, Redis, the generator. */
class CpuMeter {
  private start = new Map<string, number>();
  private machineStart = machineTicks();
  private generatorStart = process.cpuUsage();
  private backendTicks = new Map<number, { first: number; last: number }>();

  constructor(private readonly components: () => Map<string, number[]>) {}

  begin(): void {
    this.machineStart = machineTicks();
    this.generatorStart = process.cpuUsage();
    this.backendTicks.clear();
    this.start = this.totals();
  }

  /** Postgres backends come and go: sampled during the stage, each counted from its first sight. */
  sampleBackends(pids: number[]): void {
    for (const pid of pids) {
      const ticks = processTicks(pid);
      const seen = this.backendTicks.get(pid);
      if (seen) seen.last = ticks;
      else this.backendTicks.set(pid, { first: ticks, last: ticks });
    }
  }

  end(seconds: number): { component: string; cores: number }[] {
    const now = this.totals();
    const rows = [...now].map(([component, ticks]) => ({ component, cores: (ticks - (this.start.get(component) ?? 0)) / TICKS_PER_SECOND / seconds }));
    const postgres = [...this.backendTicks.values()].reduce((sum, { first, last }) => sum + (last - first), 0);
    rows.push({ component: 'postgres (this database)', cores: postgres / TICKS_PER_SECOND / seconds });
    const generator = process.cpuUsage(this.generatorStart);
    rows.push({ component: 'load generator', cores: (generator.user + generator.system) / 1e6 / seconds });
    const machine = machineTicks();
    rows.push({ component: 'machine (all processes)', cores: ((machine.busy - this.machineStart.busy) / (machine.total - this.machineStart.total)) * os.cpus().length });
    return rows.sort((a, b) => b.cores - a.cores);
  }

  private totals(): Map<string, number> {
    const totals = new Map<string, number>();
    for (const [component, pids] of this.components()) totals.set(component, pids.reduce((sum, pid) => sum + processTicks(pid), 0));
    return totals;
  }
}

// ---- the gateway client ----------------------------------------------------------------------

let gatewayUrl = '';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are read field by field as the routes document them; a bench, not a client library
async function call(route: Route | undefined, method: string, url: string, token: string | undefined, body?: unknown, samples?: Sample[]): Promise<{ status: number; body: any }> {
  const started = performance.now();
  let status = 0;
  let parsed: unknown = undefined;
  try {
    const response = await fetch(gatewayUrl + url, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    status = response.status;
    const text = await response.text();
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    status = 0; // connection failed: counted as an error
  }
  if (route && samples) samples.push({ route, status, ms: performance.now() - started });
  // Setup calls (no route) are one admin's thousands of writes: they wait out its rate limit as a well-behaved client does.
  if (!route && status === 429) {
    const seconds = Number((parsed as { details?: { retryAfterSeconds?: unknown } } | undefined)?.details?.retryAfterSeconds ?? 1);
    await new Promise((resolve) => setTimeout(resolve, seconds * 1_000));
    return call(route, method, url, token, body, samples);
  }
  return { status, body: parsed };
}

function expectOk(answer: { status: number; body: unknown }, what: string): void {
  if (answer.status < 200 || answer.status >= 300) throw new Error(`${what}: ${answer.status} ${JSON.stringify(answer.body)}`);
}

async function inParallel<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

async function until<T>(what: string, attempt: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await attempt();
    if (result !== undefined) return result;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

// ---- setup: a tenant with teams of reps, each owning customers -------------------------------

async function adminToken(slug: string): Promise<string> {
  const first = await call(undefined, 'POST', '/api/v1/auth/login', undefined, { tenant: slug, username: 'chief', password: PASSWORD, deviceId: 'load-admin' });
  expectOk(first, 'admin login');
  if (!first.body.totpEnrolmentRequired) return first.body.accessToken as string;
  const setup = await call(undefined, 'POST', '/api/v1/auth/totp/setup', first.body.accessToken);
  expectOk(setup, 'TOTP setup');
  const secret = setup.body.secret as string;
  expectOk(await call(undefined, 'POST', '/api/v1/auth/totp/verify', first.body.accessToken, { code: await generate({ secret }) }), 'TOTP verify');
  // A code of the next time step: the one just used for verification may not be used again.
  const next = await generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 });
  const second = await until('a TOTP login', async () => {
    const answer = await call(undefined, 'POST', '/api/v1/auth/login', undefined, { tenant: slug, username: 'chief', password: PASSWORD, deviceId: 'load-admin', totp: next });
    return answer.status === 200 ? answer : undefined;
  }, 90_000);
  return second.body.accessToken as string;
}

async function createReps(slug: string, admin: string, count: number, existing: Rep[]): Promise<Rep[]> {
  const units = await call(undefined, 'GET', '/api/v1/org-units', admin);
  expectOk(units, 'GET /org-units');
  const root = (units.body.items as { id: string; parentId: string | null }[]).find((unit) => unit.parentId === null)!;
  const fresh = Array.from({ length: count - existing.length }, (_, index) => existing.length + index);
  const teams = new Map<number, string>();
  for (const index of fresh) {
    const team = Math.floor(index / REPS_PER_TEAM);
    if (teams.has(team)) continue;
    const created = await call(undefined, 'POST', '/api/v1/org-units', admin, { name: `Team ${team}`, parentId: root.id });
    if (created.status === 201) teams.set(team, created.body.id as string);
    else {
      const all = await call(undefined, 'GET', '/api/v1/org-units?limit=200', admin);
      teams.set(team, (all.body.items as { id: string; name: string }[]).find((unit) => unit.name === `Team ${team}`)!.id);
    }
  }
  const reps: Rep[] = [];
  await inParallel(fresh, SETUP_CONCURRENCY, async (index) => {
    const username = `rep${index}`;
    const user = await call(undefined, 'POST', '/api/v1/users', admin, { username, displayName: `Rep ${index}`, password: PASSWORD, orgUnitId: teams.get(Math.floor(index / REPS_PER_TEAM)), roles: ['rep'] });
    expectOk(user, `POST /users ${username}`);
    const customers: Customer[] = [];
    for (let n = 0; n < CUSTOMERS_PER_REP; n += 1) {
      const customer = { id: randomUUID(), lat: 52.3 + Math.random() * 0.4, lng: 13.1 + Math.random() * 0.6 };
      // customers learns of the rep from the user event before it accepts them as an owner.
      await until(`customer of ${username}`, async () => {
        const created = await call(undefined, 'POST', '/api/v1/customers', admin, { id: customer.id, name: `Customer ${index}-${n}`, grade: 'B', location: { lat: customer.lat, lng: customer.lng }, ownerId: user.body.id });
        if (created.status === 201) return true;
        if (created.status !== 422 && created.status !== 404) expectOk(created, 'POST /customers');
        return undefined;
      });
      customers.push(customer);
    }
    const login = await call(undefined, 'POST', '/api/v1/auth/login', undefined, { tenant: slug, username, password: PASSWORD, deviceId: `device-${username}` });
    expectOk(login, `login ${username}`);
    reps.push({ username, token: login.body.accessToken, deviceId: `device-${username}`, customers, seq: 0, cursor: '', openCheckIn: undefined, mutationId: 0, versions: new Map() });
  });
  return [...existing, ...reps];
}

// ---- a rep's actions -------------------------------------------------------------------------

function pointNear(customer: Customer, metres: number): { lat: number; lng: number } {
  const angle = Math.random() * 2 * Math.PI;
  return { lat: customer.lat + (metres / 111_320) * Math.cos(angle), lng: customer.lng + (metres / 68_000) * Math.sin(angle) };
}

async function act(rep: Rep, samples: Sample[]): Promise<void> {
  const roll = Math.random();
  const customer = rep.customers[Math.floor(Math.random() * rep.customers.length)]!;
  const now = Date.now();
  if (roll < 0.35) {
    const points = Array.from({ length: 30 }, (_, index) => ({
      seq: ++rep.seq,
      ...pointNear(customer, 50 + index * 10),
      accuracyM: 8,
      speedMps: 1.2,
      capturedAt: new Date(now - (30 - index) * 2_000).toISOString(),
    }));
    await call('POST /trajectories/points', 'POST', '/api/v1/trajectories/points', rep.token, { deviceId: rep.deviceId, points }, samples);
  } else if (roll < 0.5) {
    const pulled = await call('GET /sync/pull', 'GET', `/api/v1/sync/pull?limit=100&cursor=${encodeURIComponent(rep.cursor)}`, rep.token, undefined, samples);
    if (pulled.status === 200) {
      rep.cursor = pulled.body.cursor ?? rep.cursor;
      for (const change of pulled.body.changes ?? []) if (change.entity === 'customer') rep.versions.set(change.id, change.version);
    }
  } else if (roll < 0.6) {
    await call('GET /customers', 'GET', '/api/v1/customers?limit=20', rep.token, undefined, samples);
  } else if (roll < 0.7) {
    await call('GET /visit-tasks', 'GET', '/api/v1/visit-tasks?limit=20', rep.token, undefined, samples);
  } else if (roll < 0.8) {
    const point = { ...pointNear(customer, 20), accuracyM: 10, capturedAt: new Date(now).toISOString(), provider: 'fused', isMock: false };
    if (rep.openCheckIn) {
      const open = rep.openCheckIn;
      rep.openCheckIn = undefined;
      await call('POST /check-ins/:id/check-out', 'POST', `/api/v1/check-ins/${open.id}/check-out`, rep.token, { point: { ...point, ...pointNear(open.customer, 20) } }, samples);
    } else {
      const id = randomUUID();
      const answer = await call('POST /check-ins', 'POST', '/api/v1/check-ins', rep.token, { id, customerId: customer.id, point, deviceId: rep.deviceId }, samples);
      if (answer.status === 201) rep.openCheckIn = { id, customer };
    }
  } else if (roll < 0.9) {
    const version = rep.versions.get(customer.id);
    if (version === undefined) {
      await call('GET /sync/pull', 'GET', `/api/v1/sync/pull?limit=100&cursor=${encodeURIComponent(rep.cursor)}`, rep.token, undefined, samples).then((pulled) => {
        if (pulled.status !== 200) return;
        rep.cursor = pulled.body.cursor ?? rep.cursor;
        for (const change of pulled.body.changes ?? []) if (change.entity === 'customer') rep.versions.set(change.id, change.version);
      });
      return;
    }
    const mutationId = rep.mutationId + 1;
    const pushed = await call('POST /sync/push', 'POST', '/api/v1/sync/push', rep.token, {
      clientId: rep.deviceId,
      mutations: [{ mutationId, entity: 'customer', entityId: customer.id, op: 'update', baseVersion: version, base: {}, changes: { address: `visited ${new Date(now).toISOString()}` } }],
    }, samples);
    if (pushed.status === 200) {
      rep.mutationId = mutationId;
      const [result] = pushed.body.results ?? [];
      if (typeof result?.version === 'number') rep.versions.set(customer.id, result.version);
    }
  } else {
    await call('GET /me', 'GET', '/api/v1/me', rep.token, undefined, samples);
  }
}

// ---- stages and the report -------------------------------------------------------------------

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

interface StageReport {
  reps: number;
  seconds: number;
  requests: number;
  requestsPerSecond: number;
  errorRate: number;
  statuses: Record<string, number>;
  routes: { route: Route; requests: number; p50Ms: number; p99Ms: number; errors: number }[];
  cpuCores: { component: string; cores: number }[];
  postgres: { activeBackendsAvg: number; waitEvents: Record<string, number> };
  bottleneck: string;
}

async function runStage(reps: Rep[], meter: CpuMeter, database: Client, databaseName: string): Promise<StageReport> {
  const samples: Sample[] = [];
  const deadline = Date.now() + STAGE_SECONDS * 1_000;
  const waits: Record<string, number> = {};
  let activeSum = 0;
  let activeSamples = 0;
  meter.begin();
  const started = performance.now();
  const sampler = setInterval(() => {
    void database
      .query<{ pid: number; state: string | null; wait: string | null }>(
        `SELECT pid, state, wait_event_type || ':' || wait_event AS wait FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
        [databaseName],
      )
      .then(({ rows }) => {
        meter.sampleBackends(rows.map((row) => row.pid));
        const active = rows.filter((row) => row.state === 'active');
        activeSum += active.length;
        activeSamples += 1;
        for (const row of active) waits[row.wait ?? 'CPU'] = (waits[row.wait ?? 'CPU'] ?? 0) + 1;
      })
      .catch(() => undefined);
  }, 500);
  await Promise.all(reps.map(async (rep) => {
    // Spread the first actions over one think time, as devices wake up at different moments.
    const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.min(ms, Math.max(0, deadline - Date.now()))));
    await pause(Math.random() * THINK_MS);
    while (Date.now() < deadline) {
      await act(rep, samples);
      await pause(-Math.log(1 - Math.random()) * THINK_MS);
    }
  }));
  clearInterval(sampler);
  const seconds = (performance.now() - started) / 1_000;
  const cpuCores = meter.end(seconds);

  const statuses: Record<string, number> = {};
  for (const sample of samples) statuses[sample.status] = (statuses[sample.status] ?? 0) + 1;
  const isError = (sample: Sample) => sample.status === 0 || sample.status >= 400;
  const routes = [...new Set(samples.map((sample) => sample.route))].sort().map((route) => {
    const of = samples.filter((sample) => sample.route === route);
    const sorted = of.map((sample) => sample.ms).sort((a, b) => a - b);
    return { route, requests: of.length, p50Ms: round(percentile(sorted, 50)), p99Ms: round(percentile(sorted, 99)), errors: of.filter(isError).length };
  });
  const machine = cpuCores.find((row) => row.component.startsWith('machine'))!;
  const top = cpuCores.filter((row) => !row.component.startsWith('machine'))[0]!;
  const saturated = machine.cores > os.cpus().length * 0.9;
  const topWait = Object.entries(waits).sort((a, b) => b[1] - a[1])[0];
  const platformCores = cpuCores.filter((row) => !row.component.startsWith('machine')).reduce((sum, row) => sum + row.cores, 0);
  const foreign = machine.cores - platformCores;
  const bottleneck = foreign > platformCores
    ? `unrepresentative: other processes used ${foreign.toFixed(2)} of the ${machine.cores.toFixed(2)} busy cores (the platform and generator ${platformCores.toFixed(2)}); rerun on a quiet machine`
    : saturated
    ? `CPU: the machine is saturated (${machine.cores.toFixed(2)} of ${os.cpus().length} cores busy); the largest consumer is ${top.component} (${top.cores.toFixed(2)} cores)`
    : `not CPU-bound (${machine.cores.toFixed(2)} of ${os.cpus().length} cores busy): the offered load (${reps.length} reps, one action per ${THINK_MS / 1000} s) is served; largest consumer ${top.component}${topWait ? `; most frequent Postgres wait ${topWait[0]}` : ''}`;
  return {
    reps: reps.length,
    seconds: round(seconds),
    requests: samples.length,
    requestsPerSecond: round(samples.length / seconds),
    errorRate: samples.length === 0 ? 0 : round(samples.filter(isError).length / samples.length, 4),
    statuses,
    routes,
    cpuCores: cpuCores.map((row) => ({ component: row.component, cores: round(row.cores) })),
    postgres: { activeBackendsAvg: activeSamples === 0 ? 0 : round(activeSum / activeSamples), waitEvents: waits },
    bottleneck,
  };
}

const round = (value: number, digits = 2): number => Number(value.toFixed(digits));

function printStage(stage: StageReport): void {
  process.stdout.write(`\n## ${stage.reps} reps, ${stage.seconds} s: ${stage.requestsPerSecond} requests/s, error rate ${(stage.errorRate * 100).toFixed(2)}%\n`);
  process.stdout.write(`statuses ${JSON.stringify(stage.statuses)}\n`);
  process.stdout.write('| route | requests | p50 ms | p99 ms | errors |\n|---|---:|---:|---:|---:|\n');
  for (const row of stage.routes) process.stdout.write(`| ${row.route} | ${row.requests} | ${row.p50Ms} | ${row.p99Ms} | ${row.errors} |\n`);
  process.stdout.write('| component | CPU cores |\n|---|---:|\n');
  for (const row of stage.cpuCores) process.stdout.write(`| ${row.component} | ${row.cores} |\n`);
  process.stdout.write(`Postgres: ${stage.postgres.activeBackendsAvg} active backends on average; waits ${JSON.stringify(stage.postgres.waitEvents)}\n`);
  process.stdout.write(`bottleneck: ${stage.bottleneck}\n`);
}

async function main(): Promise<void> {
  const runId = `${Date.now()}_${process.pid}`;
  const databaseName = `fieldforce_load_${runId}`;
  const adminUrl = withDatabase(ADMIN_URL, databaseName);
  const maintenance = new Client({ connectionString: withDatabase(ADMIN_URL, 'postgres') });
  // An idle client's connection may be cut (a Postgres restart): the next query says so, the process must not die of it.
  maintenance.on('error', () => undefined);
  await maintenance.connect();
  let broker: BrokerProcess | undefined;
  let platform: Platform | undefined;
  try {
    process.stdout.write(`[load] database ${databaseName}: setting up\n`);
    await runDbSetup(adminUrl);
    broker = await BrokerProcess.start();
    const slug = `load-${randomBytes(3).toString('hex')}`;
    await runWorkspaceScript('tools/tenant-create.ts', ['--slug', slug, '--admin', 'chief', '--name', 'Load GmbH'], {
      DATABASE_URL: roleDatabaseUrl(adminUrl, 'permissions', servicePassword('permissions')),
      TENANT_ADMIN_PASSWORD: PASSWORD,
    });
    platform = await startPlatform({
      databaseUrl: (service) => roleDatabaseUrl(adminUrl, service, servicePassword(service)),
      kafka: { brokers: broker.brokers, topicPrefix: '' },
      redis: { url: REDIS_URL, keyPrefix: `ffload:${runId}:` },
      env: { ACCESS_TOKEN_TTL_SECONDS: '3600' },
      serviceEnv: {
        // Every simulated rep comes from 127.0.0.1: the per-IP limit would throttle the fleet as one
        // device. A rep sends a few requests a minute, far below the per-user limit; it is raised
        // only so that the one admin who sets up thousands of reps and customers is not held back.
        gateway: { RATE_LIMIT_IP_PER_MINUTE: '1000000', RATE_LIMIT_USER_PER_MINUTE: '1000000', RATE_LIMIT_LOGIN_PER_MINUTE: '100000' },
      },
    });
    gatewayUrl = platform.gateway.url;
    const live = platform;
    const liveBroker = broker;
    const meter = new CpuMeter(() => {
      const components = new Map<string, number[]>();
      for (const name of [...PLATFORM_SERVICES, 'gateway'] as const) components.set(name, [live.service(name).pid]);
      components.set('kafka dev broker', liveBroker.pid ? [liveBroker.pid] : []);
      components.set('redis (whole server)', pidsOf('redis-server'));
      return components;
    });
    const database = new Client({ connectionString: adminUrl });
    database.on('error', () => undefined);
    await database.connect();
    const admin = await adminToken(slug);
    const report: { machine: string; thinkMs: number; stageSeconds: number; stages: StageReport[] } = {
      machine: `${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB; load average at start ${os.loadavg().map((value) => value.toFixed(1)).join(' ')}`,
      thinkMs: THINK_MS,
      stageSeconds: STAGE_SECONDS,
      stages: [],
    };
    let reps: Rep[] = [];
    for (const size of STAGES) {
      const setupStarted = performance.now();
      reps = await createReps(slug, admin, size, reps);
      process.stdout.write(`[load] ${reps.length} reps with ${reps.length * CUSTOMERS_PER_REP} customers ready in ${((performance.now() - setupStarted) / 1000).toFixed(0)} s; running ${STAGE_SECONDS} s\n`);
      const stage = await runStage(reps, meter, database, databaseName);
      report.stages.push(stage);
      printStage(stage);
      // A 5xx is a defect, never load: show what the services said about it.
      if (Object.keys(stage.statuses).some((status) => Number(status) >= 500)) {
        for (const name of [...PLATFORM_SERVICES, 'gateway'] as const) {
          const said = live.service(name).output().trim();
          if (said) process.stdout.write(`\n[load] ${name} said (last 3,000 characters):\n${said.slice(-3_000)}\n`);
        }
      }
    }
    await database.end();
    mkdirSync(path.dirname(REPORT), { recursive: true });
    writeFileSync(REPORT, JSON.stringify(report, null, 2));
    process.stdout.write(`\n[load] report written to ${path.relative(ROOT, REPORT)}\n`);
  } finally {
    await platform?.stop().catch(() => undefined);
    await broker?.remove();
    await maintenance.query(`DROP DATABASE IF EXISTS ${maintenance.escapeIdentifier(databaseName)} WITH (FORCE)`).catch(() => undefined);
    await maintenance.end();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`[load] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
