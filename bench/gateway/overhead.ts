// Gateway overhead: the same endpoint called directly and through the gateway, in one run, with
// the same closed-loop load (a fixed number of connections, each sending its next request when
// the previous answer is complete). The gateway verifies each token, counts every request
// against per-IP and per-user rate limits in Redis and proxies to the upstream.
// Upstream and gateway run in processes of their own, as in production; loopback only.
//
// BENCH_UPSTREAM=customers (default): the customers service's GET /api/v1/customers/:id over a
// scratch database (token verified again, role policy, data scope, masking, a Postgres read).
// BENCH_UPSTREAM=minimal: a bare Fastify route that only verifies the token and answers a fixed
// customer record, which shows the cost of the extra hop itself.
//
//   node -r @swc-node/register bench/gateway/overhead.ts
//   BENCH_UPSTREAM=customers BENCH_CONNECTIONS=32 BENCH_REQUESTS=20000 BENCH_MAX_SECONDS=10 BENCH_ROUNDS=6 BENCH_USERS=16
//   BENCH_WARM_UP_REQUESTS=3000 BENCH_PIN=none (defaults); BENCH_GATEWAY_CPU_PROFILE=<dir> profiles the gateway;
//   BENCH_PIN=split gives the gateway a CPU of its own (shared with the load generator), as deployed, the upstream the other
import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync, readdirSync } from 'node:fs';
import { type AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import fastify from 'fastify';
import Redis from 'ioredis';
import { Client } from 'pg';
import { Pool } from 'undici';
import { AccessTokenVerifier, toAuthConfig } from '@fieldforce/auth';
import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER } from '@fieldforce/contracts';
import { roleDatabaseUrl, servicePassword, withDatabase } from '@fieldforce/persistence';
import { type ServiceProcess, TestJwks, freePort, startServiceProcess } from '@fieldforce/testing';

const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 32);
const REQUESTS = Number(process.env['BENCH_REQUESTS'] ?? 20_000);
const MAX_SECONDS = Number(process.env['BENCH_MAX_SECONDS'] ?? 10);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 6);
const USERS = Number(process.env['BENCH_USERS'] ?? 16);
const UPSTREAM = process.env['BENCH_UPSTREAM'] ?? 'customers';
// split: the upstream and its Postgres backends on CPU 0, gateway and load generator on CPU 1.
const PIN = process.env['BENCH_PIN'] ?? 'none';
const ADMIN_URL = process.env['DATABASE_ADMIN_URL'] ?? 'postgres://postgres:postgres@127.0.0.1:5432/fieldforce';
const WARM_UP_REQUESTS = Number(process.env['BENCH_WARM_UP_REQUESTS'] ?? 3_000);
const GATEWAY_CPU_PROFILE = process.env['BENCH_GATEWAY_CPU_PROFILE'];
const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const CUSTOMER_ID = '0190d6a4-5c3e-7b1a-8f00-3c1d2e4f5a6b';
const ENDPOINT = `/api/v1/customers/${CUSTOMER_ID}`;

// ---- the upstream, in its own process (BENCH_ROLE=upstream) ----

async function runUpstream(): Promise<void> {
  const verifier = new AccessTokenVerifier(
    toAuthConfig({
      AUTH_JWKS_URL: process.env['AUTH_JWKS_URL'] ?? '',
      AUTH_ISSUER: ACCESS_TOKEN_ISSUER,
      AUTH_AUDIENCE: ACCESS_TOKEN_AUDIENCE,
      AUTH_CLOCK_TOLERANCE_SECONDS: 5,
      AUTH_JWKS_REFETCH_COOLDOWN_MS: 30_000,
      AUTH_JWKS_MAX_AGE_MS: 600_000,
      AUTH_JWKS_TIMEOUT_MS: 5_000,
    }),
  );
  const app = fastify({ logger: false });
  app.get('/api/v1/customers/:id', async (request, reply) => {
    const user = await verifier.authenticate(request.headers.authorization);
    return reply.header('etag', '"3"').send({
      id: (request.params as { id: string }).id,
      tenantId: user.tenantId,
      name: 'Kiosk am Markt',
      grade: 'B',
      location: { lat: 48.137, lng: 11.575 },
      address: { street: 'Marienplatz 1', postalCode: '80331', city: 'München', country: 'DE' },
      contacts: [{ name: 'A. Huber', phone: '+49 89 1234567', email: 'huber@example.com' }],
      ownerId: user.userId,
      orgPath: user.orgPath,
      tags: ['pharmacy', 'downtown'],
      version: 3,
      createdAt: '2026-01-05T09:00:00.000Z',
      updatedAt: '2026-03-11T14:30:00.000Z',
    });
  });
  app.get('/health/ready', async () => ({ status: 'ok' }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  process.stdout.write(`listening ${(app.server.address() as AddressInfo).port}\n`);
  process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
}

interface Upstream {
  url: string;
  /** The processes doing the upstream's work (the service, and for customers its Postgres backends). */
  processes(): Record<string, number[]>;
  stop(): Promise<void>;
}

async function startMinimalUpstream(jwksUrl: string): Promise<Upstream> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', __filename], {
    env: { ...process.env, BENCH_ROLE: 'upstream', AUTH_JWKS_URL: jwksUrl },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening (\d+)/.exec(output);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`the upstream exited (${code}) before listening`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    processes: () => ({ upstream: child.pid === undefined ? [] : [child.pid] }),
    stop: async () => {
      child.kill('SIGTERM');
      if (child.exitCode === null) await once(child, 'exit');
    },
  };
}

/** Creates a scratch database the way `npm run db:setup` does (every schema and migration). */
async function runDbSetup(adminUrl: string): Promise<void> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'tools/db-setup.ts'], {
    env: { ...process.env, DATABASE_ADMIN_URL: adminUrl },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`db:setup of the bench database failed (${code})`);
}

/** The customers service over a scratch database holding the one customer the benchmark reads. */
async function startCustomersUpstream(jwks: TestJwks, tenantId: string): Promise<Upstream> {
  const database = `fieldforce_bench_gateway_${process.pid}`;
  const adminUrl = withDatabase(ADMIN_URL, database);
  await runDbSetup(adminUrl);
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(
    `INSERT INTO customers.customers (id, tenant_id, version, name, grade, lat, lng, owner_id, org_path)
     VALUES ($1, $2, 1, 'Kiosk am Markt', 'B', 48.137, 11.575, $3, 'bench')`,
    [CUSTOMER_ID, tenantId, randomUUID()],
  );
  await admin.end();
  const service = await startServiceProcess(
    'customers',
    {
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      ...jwks.env(),
      AUTH_JWKS_REFETCH_COOLDOWN_MS: '30000',
      DATABASE_URL: roleDatabaseUrl(adminUrl, 'customers', servicePassword('customers')),
      // Nobody listens there: reads need no Kafka, and the service stays live without it.
      KAFKA_BROKERS: `127.0.0.1:${await freePort()}`,
    },
    { readyPath: '/health/live' },
  );
  return {
    url: service.url,
    processes: () => ({
      upstream: childProcesses((command) => command.includes('services/customers/src/main.ts')),
      // Backends show their database in the process title.
      postgres: allProcesses((command) => command.startsWith('postgres:') && command.includes(` ${database} `)),
    }),
    stop: async () => {
      await service.stop();
      const maintenance = new Client({ connectionString: withDatabase(ADMIN_URL, 'postgres') });
      await maintenance.connect();
      await maintenance.query(`DROP DATABASE IF EXISTS ${maintenance.escapeIdentifier(database)} WITH (FORCE)`);
      await maintenance.end();
    },
  };
}

// ---- CPU accounting (Linux /proc; the figures are left out elsewhere) ----

const CLOCK_TICKS_PER_SECOND = 100;

interface ProcessStat {
  pid: number;
  ppid: number;
  cpuMs: number;
  command: string;
}

function readProcess(pid: number): ProcessStat | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name in parentheses may hold spaces; the fields after it are fixed.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
    const ticks = Number(fields[11]) + Number(fields[12]);
    return { pid, ppid: Number(fields[1]), cpuMs: (ticks * 1000) / CLOCK_TICKS_PER_SECOND, command };
  } catch {
    return undefined;
  }
}

function allProcesses(matches: (command: string) => boolean): number[] {
  let pids: number[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map(Number);
  } catch {
    return [];
  }
  return pids.flatMap((pid) => {
    const stat = readProcess(pid);
    return stat !== undefined && matches(stat.command) ? [pid] : [];
  });
}

function childProcesses(matches: (command: string) => boolean): number[] {
  return allProcesses(matches).filter((pid) => readProcess(pid)?.ppid === process.pid);
}

function cpuMsOf(pids: number[]): number {
  return pids.reduce((sum, pid) => sum + (readProcess(pid)?.cpuMs ?? 0), 0);
}

/** Moves every thread of `pids` onto `cpu` (util-linux taskset). */
function pinTo(cpu: number, pids: number[]): void {
  for (const pid of pids) execFileSync('taskset', ['-a', '-p', '-c', String(cpu), String(pid)], { stdio: 'ignore' });
}

/** Busy and total CPU time of the whole machine (all cores), from /proc/stat. */
function machineCpuMs(): { busy: number; total: number } {
  try {
    const [, ...values] = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/);
    const ticks = values.map(Number);
    const total = ticks.slice(0, 8).reduce((sum, value) => sum + value, 0);
    const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
    return { busy: ((total - idle) * 1000) / CLOCK_TICKS_PER_SECOND, total: (total * 1000) / CLOCK_TICKS_PER_SECOND };
  } catch {
    return { busy: Number.NaN, total: Number.NaN };
  }
}

/** CPU ms used by each named group of processes (and by everything else on the machine) while `work` runs. */
async function measureCpu<T>(groups: Record<string, number[]>, work: () => Promise<T>): Promise<{ result: T; cpuMs: Record<string, number> }> {
  const before = Object.fromEntries(Object.entries(groups).map(([name, pids]) => [name, cpuMsOf(pids)]));
  const machineBefore = machineCpuMs();
  const ownBefore = process.cpuUsage();
  const result = await work();
  const own = process.cpuUsage(ownBefore);
  const machineAfter = machineCpuMs();
  const cpuMs: Record<string, number> = { 'load generator': (own.user + own.system) / 1000 };
  for (const [name, pids] of Object.entries(groups)) cpuMs[name] = cpuMsOf(pids) - (before[name] ?? 0);
  const ours = Object.values(cpuMs).reduce((sum, value) => sum + value, 0);
  cpuMs['other processes'] = Math.max(0, machineAfter.busy - machineBefore.busy - ours);
  return { result, cpuMs };
}

// ---- the load generator ----

interface Load {
  requests: number;
  errors: number;
  seconds: number;
  latenciesMs: number[];
}

interface Phase extends Load {
  target: Target;
  round: number;
  cpuMs: Record<string, number>;
}

type Target = 'direct' | 'through gateway';

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? Number.NaN;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? Number.NaN) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** `count` requests (at most `maxSeconds`) over CONNECTIONS connections, each waiting for its answer before the next. */
async function drive(baseUrl: string, tokens: string[], count: number, maxSeconds: number): Promise<Load> {
  const pool = new Pool(baseUrl, { connections: CONNECTIONS, pipelining: 1 });
  const latenciesMs: number[] = [];
  let issued = 0;
  let errors = 0;
  const started = performance.now();
  const deadline = started + maxSeconds * 1000;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async (_connection, index) => {
      const headers = { authorization: `Bearer ${tokens[index % tokens.length]}`, accept: 'application/json' };
      while (issued < count && performance.now() < deadline) {
        issued += 1;
        const sent = performance.now();
        const response = await pool.request({ path: ENDPOINT, method: 'GET', headers });
        await response.body.text();
        latenciesMs.push(performance.now() - sent);
        if (response.statusCode !== 200) errors += 1;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await pool.close();
  return { requests: latenciesMs.length, errors, seconds, latenciesMs: latenciesMs.sort((a, b) => a - b) };
}

const rateOf = (load: Pick<Load, 'requests' | 'seconds'>): number => load.requests / load.seconds;

function cpuColumns(phase: Pick<Phase, 'requests' | 'cpuMs'>, groups: string[]): string {
  return groups.map((group) => ((phase.cpuMs[group] ?? 0) / phase.requests).toFixed(3).padStart(Math.max(8, group.length))).join(' ');
}

function row(label: string, phase: Pick<Phase, 'requests' | 'errors' | 'seconds' | 'latenciesMs' | 'cpuMs'>, groups: string[]): string {
  return [
    label.padEnd(30),
    String(phase.requests).padStart(8),
    String(phase.errors).padStart(6),
    rateOf(phase).toFixed(0).padStart(7),
    percentile(phase.latenciesMs, 0.5).toFixed(2).padStart(7),
    percentile(phase.latenciesMs, 0.99).toFixed(2).padStart(7),
    cpuColumns(phase, groups),
  ].join(' ');
}

function combined(phases: Phase[]): Omit<Phase, 'target' | 'round'> {
  const cpuMs: Record<string, number> = {};
  for (const phase of phases) for (const [group, ms] of Object.entries(phase.cpuMs)) cpuMs[group] = (cpuMs[group] ?? 0) + ms;
  return {
    requests: phases.reduce((sum, phase) => sum + phase.requests, 0),
    errors: phases.reduce((sum, phase) => sum + phase.errors, 0),
    seconds: phases.reduce((sum, phase) => sum + phase.seconds, 0),
    latenciesMs: phases.flatMap((phase) => phase.latenciesMs).sort((a, b) => a - b),
    cpuMs,
  };
}

async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

const percent = (ratio: number): string => `${(ratio * 100).toFixed(1)}%`;

async function main(): Promise<void> {
  const jwks = await TestJwks.start();
  const tenantId = randomUUID();
  // Regional managers see every customer under their org unit, so all users read the same record.
  const tokens = await Promise.all(
    Array.from({ length: USERS }, () => jwks.sign({ tid: tenantId, roles: ['regional_manager'], org: 'bench' }, { expiresInSeconds: 3_600 })),
  );
  const redisPrefix = `bench:gateway:${process.pid}:`;
  const upstream = UPSTREAM === 'minimal' ? await startMinimalUpstream(jwks.url) : await startCustomersUpstream(jwks, tenantId);
  let gateway: ServiceProcess | undefined;
  const redis = new Redis(REDIS_URL, { lazyConnect: true });
  try {
    gateway = await startServiceProcess('gateway', {
      NODE_ENV: 'production',
      // Request logging off here as in the upstream: the comparison is about proxying, not log volume.
      LOG_LEVEL: 'warn',
      AUTH_JWKS_URL: jwks.url,
      REDIS_URL,
      REDIS_KEY_PREFIX: redisPrefix,
      // Every request is counted; the limits are high enough that none is refused.
      RATE_LIMIT_USER_PER_MINUTE: '1000000',
      RATE_LIMIT_IP_PER_MINUTE: '1000000',
      ...Object.fromEntries(['PERMISSIONS', 'CUSTOMERS', 'VISITS', 'CHECKINS', 'SYNC'].map((service) => [`UPSTREAM_${service}_URL`, upstream.url])),
      // Where the gateway's time goes: a CPU profile written into that directory when the gateway exits.
      ...(GATEWAY_CPU_PROFILE === undefined
        ? {}
        : {
            BENCH_GATEWAY_CPU_PROFILE: path.resolve(GATEWAY_CPU_PROFILE),
            NODE_OPTIONS: `--require @swc-node/register --require ${path.join(__dirname, 'cpu-profile.ts')}`,
          }),
    });
    const targets: Record<Target, string> = { direct: upstream.url, 'through gateway': gateway.url };

    const probe = await fetch(gateway.url + ENDPOINT, { headers: { authorization: `Bearer ${tokens[0]}` } });
    if (probe.status !== 200 || probe.headers.get('ratelimit-limit') === null) {
      throw new Error(`the gateway did not proxy with rate limits (status ${probe.status}): ${await probe.text()}`);
    }
    const body = (await probe.json()) as { id?: string };
    if (body.id !== CUSTOMER_ID) throw new Error(`the upstream did not answer the customer: ${JSON.stringify(body)}`);
    for (const url of Object.values(targets)) await drive(url, tokens, WARM_UP_REQUESTS, MAX_SECONDS);

    const groupPids = (): Record<string, number[]> => ({
      gateway: childProcesses((command) => command.includes('services/gateway/src/main.ts')),
      ...upstream.processes(),
      // Shared with anything else using this Redis; only the gateway calls it here.
      redis: allProcesses((command) => command.startsWith('redis-server')),
    });
    const groups = ['load generator', ...Object.keys(groupPids()), 'other processes'];
    process.stdout.write(
      `upstream ${UPSTREAM}: GET ${ENDPOINT}; ${CONNECTIONS} connections, ${REQUESTS} requests per phase (at most ${MAX_SECONDS} s), ` +
        `${ROUNDS} rounds alternating (order swapped every round), ${USERS} users, warm-up ${WARM_UP_REQUESTS} requests per target` +
        `${PIN === 'split' ? '; pinned: upstream and its Postgres backends on CPU 0, gateway and load generator on CPU 1' : ''}\n` +
        `CPU columns: ms of CPU per request of each process group (from /proc); "other processes" is the rest of the machine\n\n`,
    );
    process.stdout.write(`${'target'.padEnd(30)} requests errors   req/s  p50 ms  p99 ms ${groups.map((group) => group.padStart(Math.max(8, group.length))).join(' ')}\n`);
    const phases: Phase[] = [];
    const order: Target[] = ['direct', 'through gateway'];
    for (let round = 1; round <= ROUNDS; round += 1) {
      // Swapping the order every round keeps a trend of the machine's load from favouring one target.
      for (const target of round % 2 === 1 ? order : [...order].reverse()) {
        const pids = groupPids();
        if (PIN === 'split') {
          // Before every phase: the service's pool may have opened Postgres connections since.
          pinTo(0, [...(pids['upstream'] ?? []), ...(pids['postgres'] ?? [])]);
          pinTo(1, [process.pid, ...(pids['gateway'] ?? [])]);
        }
        const { result, cpuMs } = await measureCpu(pids, () => drive(targets[target], tokens, REQUESTS, MAX_SECONDS));
        const phase: Phase = { target, round, ...result, cpuMs };
        phases.push(phase);
        process.stdout.write(`${row(`${target} (round ${round})`, phase, groups)}\n`);
      }
    }
    const of = (target: Target): Phase[] => phases.filter((phase) => phase.target === target);
    const direct = combined(of('direct'));
    const through = combined(of('through gateway'));
    process.stdout.write(`\n${row('direct (all rounds)', direct, groups)}\n${row('through gateway (all rounds)', through, groups)}\n`);

    const roundRatios = Array.from({ length: ROUNDS }, (_unused, index) => {
      const [directPhase] = of('direct').filter((phase) => phase.round === index + 1);
      const [throughPhase] = of('through gateway').filter((phase) => phase.round === index + 1);
      return directPhase && throughPhase ? rateOf(throughPhase) / rateOf(directPhase) : Number.NaN;
    });
    const ratio = rateOf(through) / rateOf(direct);
    const p99Ratio = percentile(through.latenciesMs, 0.99) / percentile(direct.latenciesMs, 0.99);
    const ownCpuPerRequest = (phase: Omit<Phase, 'target' | 'round'>): number =>
      Object.entries(phase.cpuMs).reduce((sum, [group, ms]) => (group === 'other processes' ? sum : sum + ms), 0) / phase.requests;
    const loadGeneratorCores = (direct.cpuMs['load generator'] ?? 0) / 1000 / direct.seconds;
    process.stdout.write(
      [
        '',
        `throughput through the gateway: ${percent(ratio)} of direct over all rounds (target >= 80%: ${ratio >= 0.8 ? 'met' : 'NOT met'}); p99 ${p99Ratio.toFixed(2)}x direct`,
        `per round: ${roundRatios.map(percent).join(', ')}; median ${percent(median(roundRatios))}, min ${percent(Math.min(...roundRatios))}, max ${percent(Math.max(...roundRatios))}`,
        `CPU per request of the benchmark's processes: direct ${ownCpuPerRequest(direct).toFixed(3)} ms, through gateway ${ownCpuPerRequest(through).toFixed(3)} ms ` +
          `(gateway ${((through.cpuMs['gateway'] ?? 0) / through.requests).toFixed(3)} ms); on a CPU-bound box that alone allows ${percent(ownCpuPerRequest(direct) / ownCpuPerRequest(through))}`,
        `load generator busy ${(loadGeneratorCores * 100).toFixed(0)}% of one core during the direct phases; other processes used ${(
          (direct.cpuMs['other processes'] ?? 0) / 1000 / direct.seconds
        ).toFixed(2)} + ${((through.cpuMs['other processes'] ?? 0) / 1000 / through.seconds).toFixed(2)} cores (direct, through) of ${cpus().length}; ` +
          `load average ${loadavg().map((value) => value.toFixed(1)).join(' ')}`,
        '',
      ].join('\n'),
    );
  } finally {
    await gateway?.stop();
    await upstream.stop();
    await jwks.stop();
    await redis.connect().then(() => deleteKeys(redis, redisPrefix)).finally(() => redis.disconnect());
  }
}

if (process.env['BENCH_ROLE'] === 'upstream') {
  void runUpstream();
} else {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  });
}
