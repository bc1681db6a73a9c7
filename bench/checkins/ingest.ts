// Track point ingest through the checkins HTTP API (batches of 500, as devices send them) against
// a raw COPY of the same points into the same table in the same run, and the read of a full day
// of one-second points with simplification. The service runs in this process over a scratch
// database, the dev broker and the local Redis; its clients run beside it (see Method).
//
//   node -r @swc-node/register bench/checkins/ingest.ts
//   BENCH_POINTS=100000 BENCH_BATCH=500 BENCH_USERS=40 BENCH_DEVICES_IN_FLIGHT=8 BENCH_ROUNDS=5 BENCH_QUERY_RUNS=5 (defaults)
//   DATABASE_ADMIN_URL (default postgres://postgres:postgres@127.0.0.1:5432/fieldforce): where the scratch database goes
//
// Method (bench/checkins/README.md has results):
// - The same points, of BENCH_USERS users moving through a working day at one point a second, go
//   both ways into checkins.track_points: through the API for one tenant, by COPY for another.
//   Rows are identical but for the ids (tenant, user), so both land in the same partitions.
// - API: a fleet in a worker thread (bench/checkins/fleet.ts) — BENCH_DEVICES_IN_FLIGHT devices
//   upload at once, each its batches in order, one request in flight per device, keep-alive HTTP.
//   The service does everything the route does: token check, role policy, per-point validation,
//   retention class of the day, partitions, exactly-once insert, users read model, live position
//   in Redis; each batch commits before it is answered.
// - COPY: psql in its own process, one COPY ... FROM STDIN of the rows as CSV, one transaction.
// - Bodies and CSV are made before the clock starts. Each round runs both, in alternating order
//   (the table grows, and a neighbour's load comes and goes); the ratio is of the medians.
// - Checked after each round, untimed: every point stored once by each path, the live position of
//   every user; once, that a replay of batches stores nothing.
// - CPU per point from /proc (bench/checkins/cpu.ts) where Postgres runs on this machine: the
//   service's event loop, the rest of this process, the service's Postgres sessions; psql and its
//   backend (the COPY then runs as the admin role, which may read the backend's own stat).
// - Track read: one user's day of 86,400 one-second points, read back through the API at
//   several tolerances; latency (median, min–max) and answer size.
import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import Redis from 'ioredis';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { startDevBroker } from '@fieldforce/kafka-dev-broker';
import {
  roleDatabaseUrl,
  runMigrations,
  serviceDataSourceOptions,
  servicePassword,
  setupDatabase,
  withDatabase,
} from '@fieldforce/persistence';
import { createServiceApp, loadConfig } from '@fieldforce/platform';
import { TestJwks } from '@fieldforce/testing';
import { AppModule } from '../../services/checkins/src/app.module';
import { CheckinsEnv, toCheckinsConfig } from '../../services/checkins/src/config/checkins.config';
import { LivePositionStore } from '../../services/checkins/src/modules/live-positions/live-position.store';
import { checkinsProblemMappings } from '../../services/checkins/src/problem-mappings';
import { type Leg, scriptedTrack } from '../../services/checkins/test/factories/scripted-track';
import { type DevicePoint } from '../../services/checkins/test/factories/track-points';
import { cpuMsOfStat, exitedChildrenCpuMs, mainThreadCpuMs, processCpuMs } from './cpu';
import { Fleet, type FleetDevice } from './fleet';
import { median } from '../stats';

const POINTS = Number(process.env['BENCH_POINTS'] ?? 100_000);
const BATCH = Number(process.env['BENCH_BATCH'] ?? 500);
const USERS = Number(process.env['BENCH_USERS'] ?? 40);
const DEVICES_IN_FLIGHT = Number(process.env['BENCH_DEVICES_IN_FLIGHT'] ?? 8);
const QUERY_RUNS = Number(process.env['BENCH_QUERY_RUNS'] ?? 5);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);
const ADMIN_URL = process.env['DATABASE_ADMIN_URL'] ?? 'postgres://postgres:postgres@127.0.0.1:5432/fieldforce';
const DAY_MS = 86_400_000;
const DEVICE_ID = 'phone-1';

interface Device {
  userId: string;
  token: string;
  points: BenchPoint[];
}

/** A device point with the speed and heading phones report. */
type BenchPoint = DevicePoint & { speedMps: number; headingDeg: number };

const say = (line: string): void => void process.stdout.write(`${line}\n`);
const perSecond = (rate: number): string => `${Math.round(rate).toLocaleString('en')} points/s`;

/** A working day's movement: stays at customers and drives between them, repeated. */
function workday(hours: number): Leg[] {
  const legs: Leg[] = [];
  for (let seconds = 0, turn = 0; seconds < hours * 3600; turn += 1) {
    legs.push({ stayS: 1200 }, { northM: turn % 2 ? 3000 : -2000, eastM: 4000, speedMps: 12 });
    seconds += 1200 + 5000 / 12;
  }
  return legs;
}

/** `count` one-second points of a user moving through a workday, ending at `end`, with speed and heading. */
function devicePoints(count: number, end: number, seed: number): BenchPoint[] {
  const { points } = scriptedTrack(workday(count / 3600 + 1), { start: new Date(end - count * 1000), noiseM: 3, seed });
  return points.slice(0, count).map((point, index, all) => {
    const previous = all[index - 1] ?? point;
    const northM = (point.lat - previous.lat) * 111_195;
    const eastM = (point.lng - previous.lng) * 111_195 * Math.cos((point.lat * Math.PI) / 180);
    const headingDeg = (((Math.atan2(eastM, northM) * 180) / Math.PI + 360) % 360).toFixed(1);
    return { ...point, speedMps: Number(Math.hypot(northM, eastM).toFixed(1)), headingDeg: Number(headingDeg) };
  });
}

/** The devices' points as request bodies of `BATCH` points. */
function fleetOf(devices: Device[]): FleetDevice[] {
  return devices.map((device) => ({
    token: device.token,
    bodies: Array.from({ length: Math.ceil(device.points.length / BATCH) }, (_, index) =>
      JSON.stringify({ deviceId: DEVICE_ID, points: device.points.slice(index * BATCH, (index + 1) * BATCH) }),
    ),
  }));
}

/**
 * Sends the devices' batches through the API; answers the wall time and, given the app, the CPU
 * spent meanwhile, after checking every point was stored once (or, replayed, was a duplicate).
 */
async function ingestOverHttp(
  fleet: Fleet,
  baseUrl: string,
  devices: FleetDevice[],
  points: number,
  options: { expectAccepted?: number; app?: NestFastifyApplication } = {},
): Promise<{ ms: number; cpu?: CpuSpent }> {
  const expectAccepted = options.expectAccepted ?? points;
  await fleet.load({ url: baseUrl, devicesInFlight: DEVICES_IN_FLIGHT, devices });
  const before = options.app && (await apiCpuNow(options.app));
  const result = await fleet.go();
  const cpu = before && apiCpuSince(before, await apiCpuNow(options.app!));
  if (result.accepted !== expectAccepted || result.accepted + result.duplicates !== points || result.rejected > 0) {
    throw new Error(`API answered ${JSON.stringify(result)} for ${points} points (${expectAccepted} new)`);
  }
  return { ms: result.ms, cpu };
}

/** The same points as CSV rows of `checkins.track_points`, for COPY. */
function csvOf(tenantId: string, devices: Device[], retentionDays: number): string {
  return devices
    .flatMap((device) => {
      const userId = randomUUID();
      return device.points.map(
        (point) =>
          `${tenantId},${userId},${DEVICE_ID},${point.capturedAt},seq:${point.seq},${retentionDays},${point.lat},${point.lng},${point.accuracyM},${point.speedMps},${point.headingDeg},false`,
      );
    })
    .join('\n');
}

/** CPU ms spent on a path: by this process (the service and, for the API, the fleet thread), its main thread, and Postgres. */
interface CpuSpent {
  node: number;
  mainThread?: number;
  psql?: number;
  postgres?: number;
}

const READ_BACKEND_STAT = `SELECT pg_read_file('/proc/self/stat')`;

/**
 * COPY through psql (node-postgres has no COPY FROM STDIN); answers the rows copied, the wall time
 * and, when `readBackendStat`, the CPU of psql and of its backend (read by the backend itself).
 */
function copyRows(url: string, csv: string, readBackendStat: boolean): Promise<{ rows: number; ms: number; cpu: Omit<CpuSpent, 'node'> }> {
  const columns = 'tenant_id, user_id, device_id, captured_at, point_key, retention_days, lat, lng, accuracy_m, speed_mps, heading_deg, is_mock';
  const copy = `COPY checkins.track_points (${columns}) FROM STDIN WITH (FORMAT csv)`;
  const commands = readBackendStat ? [READ_BACKEND_STAT, copy, READ_BACKEND_STAT] : [copy];
  return new Promise((resolve, reject) => {
    const childrenBefore = exitedChildrenCpuMs();
    const started = performance.now();
    const psql = spawn('psql', [url, '-v', 'ON_ERROR_STOP=1', '-At', ...commands.flatMap((command) => ['-c', command])]);
    let output = '';
    psql.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    psql.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    psql.once('error', reject);
    psql.once('close', (code) => {
      const ms = performance.now() - started;
      if (code !== 0) return reject(new Error(`psql COPY failed (exit ${code}): ${output}`));
      const copied = /^COPY (\d+)$/m.exec(output);
      const stats = output.split('\n').filter((line) => /^\d+ \(/.test(line));
      const childrenAfter = exitedChildrenCpuMs();
      const cpu: Omit<CpuSpent, 'node'> = {
        psql: childrenBefore !== undefined && childrenAfter !== undefined ? childrenAfter - childrenBefore : undefined,
        postgres: stats.length === 2 ? cpuMsOfStat(stats[1]!) - cpuMsOfStat(stats[0]!) : undefined,
      };
      return resolve({ rows: copied ? Number(copied[1]) : Number.NaN, ms, cpu });
    });
    psql.stdin.end(csv);
  });
}

/** CPU ms used so far by this process, its main thread and the service's database sessions. */
async function apiCpuNow(app: NestFastifyApplication): Promise<{ node: number; mainThread?: number; backends: Map<number, number | undefined> }> {
  const usage = process.cpuUsage();
  const sessions = await app.get(DataSource).query<{ pid: number }[]>(
    `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND usename = current_user`,
  );
  return {
    node: (usage.user + usage.system) / 1000,
    mainThread: mainThreadCpuMs(),
    backends: new Map(sessions.map(({ pid }) => [pid, processCpuMs(pid)])),
  };
}

function apiCpuSince(before: Awaited<ReturnType<typeof apiCpuNow>>, after: Awaited<ReturnType<typeof apiCpuNow>>): CpuSpent {
  let postgres: number | undefined = 0;
  for (const [pid, cpu] of after.backends) {
    // A session opened during the run counts from zero; one that cannot be read makes the sum unknown.
    if (cpu === undefined || postgres === undefined) postgres = undefined;
    else postgres += cpu - (before.backends.get(pid) ?? 0);
  }
  return {
    node: after.node - before.node,
    mainThread: after.mainThread !== undefined && before.mainThread !== undefined ? after.mainThread - before.mainThread : undefined,
    postgres,
  };
}

const microsPerPoint = (ms: number | undefined, points: number): string => (ms === undefined ? '?' : ((ms * 1000) / points).toFixed(1));

/**
 * A round's input: request bodies and CSV, with only what the checks need about the users. The
 * point objects are dropped once serialised, so that the service's garbage collector, which runs
 * in this process, does not trace 100,000 objects that are the bench's and not the service's.
 */
interface Round {
  tenantId: string;
  users: { userId: string; points: number; lastCapturedAt: string }[];
  fleet: FleetDevice[];
  csv: string;
  total: number;
}

/** The users' points as API requests for a tenant, and the same points as COPY rows for another. */
async function prepare(jwks: TestJwks, end: number, retentionDays: number): Promise<Round> {
  const tenantId = randomUUID();
  const perUser = Math.ceil(POINTS / USERS);
  const devices: Device[] = [];
  for (let user = 0; user < USERS; user += 1) {
    const userId = randomUUID();
    devices.push({ userId, token: await jwks.sign({ sub: userId, tid: tenantId, roles: ['rep'], org: 'bench' }), points: devicePoints(perUser, end, user + 1) });
  }
  return {
    tenantId,
    users: devices.map((device) => ({ userId: device.userId, points: device.points.length, lastCapturedAt: device.points.at(-1)!.capturedAt })),
    fleet: fleetOf(devices),
    csv: csvOf(randomUUID(), devices, retentionDays),
    total: devices.reduce((sum, device) => sum + device.points.length, 0),
  };
}

/** What the API stored for the round: every point once, and each user's last point as live position. */
async function checkStored(app: NestFastifyApplication, round: Round): Promise<void> {
  const [row] = await app.get(DataSource).query<{ stored: number }[]>(
    `SELECT count(*)::int AS stored FROM checkins.track_points WHERE tenant_id = $1`,
    [round.tenantId],
  );
  if (row?.stored !== round.total) throw new Error(`API stored ${row?.stored} rows of ${round.total} points`);
  const positions = await app.get(LivePositionStore).of(round.tenantId, round.users.map((user) => user.userId));
  round.users.forEach((user, index) => {
    if (positions[index]?.capturedAt !== user.lastCapturedAt) throw new Error(`live position of user ${index} is not its last point`);
  });
}

/** Where each path's CPU went, per point: the API's service event loop, the rest of this process (fleet, GC, libuv) and Postgres; COPY's psql and Postgres. */
function cpuLine(api: CpuSpent, copy: CpuSpent, points: number): string {
  const rest = api.mainThread === undefined ? undefined : api.node - api.mainThread;
  return (
    `API ${microsPerPoint(api.mainThread, points)} service event loop + ${microsPerPoint(rest, points)} other threads (fleet, GC) + ` +
    `${microsPerPoint(api.postgres, points)} Postgres; COPY ${microsPerPoint(copy.psql, points)} psql + ${microsPerPoint(copy.postgres, points)} Postgres`
  );
}

async function withAdminClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Removes the live positions the run left in the shared Redis. */
async function dropRedisKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true });
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

async function dropDatabase(name: string): Promise<void> {
  await withAdminClient(withDatabase(ADMIN_URL, 'postgres'), (client) => client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`));
}

async function main(): Promise<void> {
  const database = `fieldforce_bench_${process.pid}`;
  const adminUrl = withDatabase(ADMIN_URL, database);
  const serviceUrl = roleDatabaseUrl(adminUrl, 'checkins', servicePassword('checkins'));
  await setupDatabase({ adminUrl, services: ['checkins'] });
  const broker = await startDevBroker({ port: 0 }).catch(async (error: unknown) => {
    await dropDatabase(database);
    throw error;
  });
  const jwks = await TestJwks.start();
  try {
    const migrations = new DataSource(
      serviceDataSourceOptions({ service: 'checkins', url: serviceUrl, migrations: [path.join(__dirname, '../../services/checkins/src/database/migrations/*.ts')] }),
    );
    await migrations.initialize();
    await runMigrations(migrations, 'up');
    await migrations.destroy();

    const config = loadConfig(CheckinsEnv, toCheckinsConfig, {
      DATABASE_URL: serviceUrl,
      DATABASE_POOL_SIZE: '10',
      KAFKA_BROKERS: broker.brokers.join(','),
      REDIS_KEY_PREFIX: `bench:${process.pid}:`,
      LOG_LEVEL: 'silent',
      NODE_ENV: 'production',
      ...jwks.env(),
    });
    const app = await createServiceApp(AppModule.forConfig(config), config, {
      openApi: { title: 'checkins bench', version: 'bench' },
      problemMappings: checkinsProblemMappings,
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const baseUrl = await app.getUrl();
    const fleet = new Fleet();
    try {
      const end = Date.now() - 3_600_000;
      say(`checkins ingest: ${POINTS.toLocaleString('en')} points of ${USERS} users per round, batches of ${BATCH}, ${DEVICES_IN_FLIGHT} devices uploading at once`);
      // Warm-up: the key set, partitions, JIT and connection pools, on a tenant of its own. The
      // first request goes alone: concurrent first requests of a fresh service can meet a key
      // set that is still being fetched.
      const warmToken = await jwks.sign({ tid: randomUUID(), roles: ['rep'], org: 'bench' });
      await fetch(`${baseUrl}/api/v1/live-positions`, { headers: { authorization: `Bearer ${warmToken}` } });
      const warmPoints = 4 * DEVICES_IN_FLIGHT * BATCH;
      await ingestOverHttp(fleet, baseUrl, fleetOf([{ userId: '', token: warmToken, points: devicePoints(warmPoints, end, 0) }]), warmPoints);

      // CPU is read from /proc where the database runs on this machine and the admin role may read
      // its backend's own stat; the COPY then runs as that role (the same work on the same table).
      const backendStatReadable =
        processCpuMs(process.pid) !== undefined &&
        (await withAdminClient(adminUrl, (client) => client.query(READ_BACKEND_STAT)).then(
          () => true,
          () => false,
        ));
      const copyUrl = backendStatReadable ? adminUrl : serviceUrl;

      const apiRates: number[] = [];
      const copyRates: number[] = [];
      const apiCpu: CpuSpent[] = [];
      const copyCpu: CpuSpent[] = [];
      for (let round = 1; round <= ROUNDS; round += 1) {
        const prepared = await prepare(jwks, end, config.tracking.defaultRetentionDays);
        const api = async (): Promise<void> => {
          const { ms, cpu } = await ingestOverHttp(fleet, baseUrl, prepared.fleet, prepared.total, { app });
          apiCpu.push(cpu!);
          apiRates.push((prepared.total / ms) * 1000);
        };
        const copy = async (): Promise<void> => {
          const before = process.cpuUsage();
          const { rows, ms, cpu } = await copyRows(copyUrl, prepared.csv, backendStatReadable);
          const node = process.cpuUsage(before);
          if (rows !== prepared.total) throw new Error(`COPY stored ${rows} of ${prepared.total} points`);
          copyCpu.push({ ...cpu, node: (node.user + node.system) / 1000 });
          copyRates.push((prepared.total / ms) * 1000);
        };
        // Alternating order: neither path always meets the smaller table or the quieter moment.
        if (round % 2 === 1) await api().then(copy);
        else await copy().then(api);
        await checkStored(app, prepared);
        const ratio = apiRates.at(-1)! / copyRates.at(-1)!;
        say(
          `  round ${round} (${round % 2 === 1 ? 'API first' : 'COPY first'}): HTTP API ${perSecond(apiRates.at(-1)!)}, raw COPY ${perSecond(copyRates.at(-1)!)}, ${(ratio * 100).toFixed(0)}%`,
        );
        say(`    CPU µs per point: ${cpuLine(apiCpu.at(-1)!, copyCpu.at(-1)!, prepared.total)}`);
        if (round === ROUNDS) {
          // Exactly-once under replay: the first devices send all their batches again.
          const replayed = prepared.fleet.slice(0, DEVICES_IN_FLIGHT);
          const points = prepared.users.slice(0, DEVICES_IN_FLIGHT).reduce((sum, user) => sum + user.points, 0);
          const { ms } = await ingestOverHttp(fleet, baseUrl, replayed, points, { expectAccepted: 0 });
          await checkStored(app, prepared);
          say(`  replay of ${points.toLocaleString('en')} points: 0 stored, all duplicates, ${perSecond((points / ms) * 1000)}`);
        }
      }
      const api = median(apiRates);
      const copy = median(copyRates);
      const spread = (rates: number[]): string => `${perSecond(Math.min(...rates))} – ${perSecond(Math.max(...rates))}`;
      say(`  median    HTTP API ${perSecond(api).padStart(16)}   (rounds: ${spread(apiRates)})`);
      say(`  median    raw COPY ${perSecond(copy).padStart(16)}   (rounds: ${spread(copyRates)})`);
      const roundRatios = apiRates.map((rate, index) => rate / copyRates[index]!);
      say(`  API / COPY = ${((api / copy) * 100).toFixed(0)}%  (target: at least 50%; median of the rounds' own ratios ${(median(roundRatios) * 100).toFixed(0)}%)`);
      const medianCpu = (spent: CpuSpent[]): CpuSpent => {
        const of = (pick: (cpu: CpuSpent) => number | undefined): number | undefined =>
          spent.every((cpu) => pick(cpu) !== undefined) ? median(spent.map((cpu) => pick(cpu)!)) : undefined;
        return { node: of((cpu) => cpu.node)!, mainThread: of((cpu) => cpu.mainThread), psql: of((cpu) => cpu.psql), postgres: of((cpu) => cpu.postgres) };
      };
      say(`  median CPU µs per point: ${cpuLine(medianCpu(apiCpu), medianCpu(copyCpu), POINTS)}`);

      // A full day of one-second points of one user, read back simplified.
      const dayStart = Math.floor(Date.now() / DAY_MS) * DAY_MS - DAY_MS;
      const dayUser = randomUUID();
      const dayToken = await jwks.sign({ sub: dayUser, tid: randomUUID(), roles: ['rep'], org: 'bench' });
      const dayPoints = devicePoints(86_400, dayStart + DAY_MS, 86_400);
      await ingestOverHttp(fleet, baseUrl, fleetOf([{ userId: dayUser, token: dayToken, points: dayPoints }]), dayPoints.length);
      const range = `from=${new Date(dayStart).toISOString()}&to=${new Date(dayStart + DAY_MS).toISOString()}`;
      say(`track read: a day of ${dayPoints.length.toLocaleString('en')} one-second points (${(dayPoints.length * 1000) / DAY_MS} per second), ${QUERY_RUNS} runs each`);
      for (const simplifyM of [0, 5, 25]) {
        const timings: number[] = [];
        let bytes = 0;
        let vertices = 0;
        let mileageM = 0;
        for (let run = 0; run < QUERY_RUNS; run += 1) {
          const started = performance.now();
          const response = await fetch(`${baseUrl}/api/v1/trajectories/${dayUser}?${range}&simplifyM=${simplifyM}`, {
            headers: { authorization: `Bearer ${dayToken}` },
          });
          const body = await response.text();
          timings.push(performance.now() - started);
          if (response.status !== 200) throw new Error(`track read answered ${response.status}: ${body}`);
          bytes = Buffer.byteLength(body);
          const track = JSON.parse(body) as { geometry: { coordinates: unknown[] } | null; properties: { mileageM: number } };
          vertices = track.geometry?.coordinates.length ?? 0;
          mileageM = track.properties.mileageM;
        }
        say(
          `  simplifyM=${String(simplifyM).padEnd(3)} median ${median(timings).toFixed(0).padStart(5)} ms (${Math.min(...timings).toFixed(0)}–${Math.max(...timings).toFixed(0)})  ${vertices.toLocaleString('en').padStart(7)} vertices  ${(bytes / 1024).toFixed(0).padStart(6)} KiB  mileage ${(mileageM / 1000).toFixed(1)} km`,
        );
      }
    } finally {
      await fleet.stop();
      await app.close();
      await dropRedisKeys(config.redis.url, config.redis.keyPrefix);
    }
  } finally {
    await Promise.allSettled([jwks.stop(), broker.stop()]);
    await dropDatabase(database);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
