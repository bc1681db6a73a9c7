// Track point ingest through the checkins HTTP API (batches of 500, as devices send them) against
// a raw COPY of the same points into the same table in the same run, and the read of a full day
// of one-second points with simplification. The service runs in this process over a scratch
// database, the dev broker and the local Redis, so both ingest paths share the machine alike.
//
//   node -r @swc-node/register bench/checkins/ingest.ts
//   BENCH_POINTS=100000 BENCH_BATCH=500 BENCH_CONCURRENCY=4 BENCH_USERS=20 BENCH_ROUNDS=3 BENCH_QUERY_RUNS=5 (defaults)
//   Each round ingests the points through the API for one tenant, then COPYs them for another;
//   the medians of the rounds are compared, so a busy neighbour on the machine skews both alike.
//   DATABASE_ADMIN_URL (default postgres://postgres:postgres@127.0.0.1:5432/fieldforce): where the scratch database goes
import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
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
import { checkinsProblemMappings } from '../../services/checkins/src/problem-mappings';
import { type Leg, scriptedTrack } from '../../services/checkins/test/factories/scripted-track';
import { type DevicePoint } from '../../services/checkins/test/factories/track-points';

const POINTS = Number(process.env['BENCH_POINTS'] ?? 100_000);
const BATCH = Number(process.env['BENCH_BATCH'] ?? 500);
const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 4);
const USERS = Number(process.env['BENCH_USERS'] ?? 20);
const QUERY_RUNS = Number(process.env['BENCH_QUERY_RUNS'] ?? 5);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const ADMIN_URL = process.env['DATABASE_ADMIN_URL'] ?? 'postgres://postgres:postgres@127.0.0.1:5432/fieldforce';
const DAY_MS = 86_400_000;

interface Device {
  userId: string;
  token: string;
  points: DevicePoint[];
}

const say = (line: string): void => void process.stdout.write(`${line}\n`);
const perSecond = (rate: number): string => `${Math.round(rate).toLocaleString('en')} points/s`;
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** A working day's movement: stays at customers and drives between them, repeated. */
function workday(hours: number): Leg[] {
  const legs: Leg[] = [];
  for (let seconds = 0, turn = 0; seconds < hours * 3600; turn += 1) {
    legs.push({ stayS: 1200 }, { northM: turn % 2 ? 3000 : -2000, eastM: 4000, speedMps: 12 });
    seconds += 1200 + 5000 / 12;
  }
  return legs;
}

/** `count` one-second points of a user moving through a workday, ending at `end`. */
function devicePoints(count: number, end: number, seed: number): DevicePoint[] {
  const { points } = scriptedTrack(workday(count / 3600 + 1), { start: new Date(end - count * 1000), noiseM: 3, seed });
  return points.slice(0, count);
}

async function post(url: string, token: string, body: string): Promise<Response> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body,
  });
  if (response.status !== 200) throw new Error(`POST ${url} answered ${response.status}: ${await response.text()}`);
  return response;
}

interface Request {
  token: string;
  body: string;
}

/** The devices' points as request bodies of `BATCH` points, serialised up front like the CSV of the COPY. */
function requestsOf(devices: Device[]): Request[] {
  return devices.flatMap((device) =>
    Array.from({ length: Math.ceil(device.points.length / BATCH) }, (_, index) => ({
      token: device.token,
      body: JSON.stringify({ deviceId: 'phone-1', points: device.points.slice(index * BATCH, (index + 1) * BATCH) }),
    })),
  );
}

/** Sends the requests, `CONCURRENCY` in flight; answers the points stored. */
async function ingestOverHttp(baseUrl: string, batches: Request[]): Promise<number> {
  let next = 0;
  let accepted = 0;
  const worker = async (): Promise<void> => {
    while (next < batches.length) {
      const batch = batches[next++]!;
      const result = (await (await post(`${baseUrl}/api/v1/trajectories/points`, batch.token, batch.body)).json()) as { accepted: number };
      accepted += result.accepted;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return accepted;
}

/** The same points as CSV rows of `checkins.track_points`, for COPY. */
function csvOf(tenantId: string, devices: Device[], retentionDays: number): string {
  return devices
    .flatMap((device) =>
      device.points.map(
        (point) =>
          `${tenantId},${device.userId},phone-1,${point.capturedAt},seq:${point.seq},${retentionDays},${point.lat},${point.lng},${point.accuracyM},,,false`,
      ),
    )
    .join('\n');
}

/** COPY through psql (node-postgres has no COPY FROM STDIN); answers the rows copied. */
function copyRows(url: string, csv: string): Promise<number> {
  const columns = 'tenant_id, user_id, device_id, captured_at, point_key, retention_days, lat, lng, accuracy_m, speed_mps, heading_deg, is_mock';
  return new Promise((resolve, reject) => {
    const psql = spawn('psql', [url, '-v', 'ON_ERROR_STOP=1', '-At', '-c', `COPY checkins.track_points (${columns}) FROM STDIN WITH (FORMAT csv)`]);
    let output = '';
    psql.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    psql.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    psql.once('error', reject);
    psql.once('close', (code) => {
      const copied = /COPY (\d+)/.exec(output);
      if (code === 0) resolve(copied ? Number(copied[1]) : Number.NaN);
      else reject(new Error(`psql COPY failed (exit ${code}): ${output}`));
    });
    psql.stdin.end(csv);
  });
}

/** The users' points as API requests for `tenantId`, and the same points as COPY rows for another tenant. */
async function prepare(jwks: TestJwks, tenantId: string, end: number, retentionDays: number): Promise<{ requests: Request[]; csv: string; total: number }> {
  const perUser = Math.ceil(POINTS / USERS);
  const devices: Device[] = [];
  for (let user = 0; user < USERS; user += 1) {
    const userId = randomUUID();
    devices.push({ userId, token: await jwks.sign({ sub: userId, tid: tenantId, roles: ['rep'], org: 'bench' }), points: devicePoints(perUser, end, user + 1) });
  }
  return {
    requests: requestsOf(devices),
    csv: csvOf(randomUUID(), devices, retentionDays),
    total: devices.reduce((sum, device) => sum + device.points.length, 0),
  };
}

async function dropDatabase(name: string): Promise<void> {
  const client = new Client({ connectionString: withDatabase(ADMIN_URL, 'postgres') });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
  } finally {
    await client.end();
  }
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
    try {
      const end = Date.now() - 3_600_000;
      say(`checkins ingest: ${POINTS.toLocaleString('en')} points of ${USERS} users per round, batches of ${BATCH}, ${CONCURRENCY} requests in flight`);
      // Warm-up: the key set, partitions, JIT and connection pools, on a tenant of its own. The
      // first request goes alone: concurrent first requests of a fresh service can meet a key
      // set that is still being fetched.
      const warmToken = await jwks.sign({ tid: randomUUID(), roles: ['rep'], org: 'bench' });
      await fetch(`${baseUrl}/api/v1/live-positions`, { headers: { authorization: `Bearer ${warmToken}` } });
      await ingestOverHttp(baseUrl, requestsOf([{ userId: randomUUID(), token: warmToken, points: devicePoints(5 * BATCH, end, 0) }]));

      const apiRates: number[] = [];
      const copyRates: number[] = [];
      for (let round = 1; round <= ROUNDS; round += 1) {
        // Bodies and CSV are made up front and the point objects dropped, so that neither path pays
        // for making its input, and the service's garbage collector does not trace the bench's data.
        const { requests, csv, total } = await prepare(jwks, randomUUID(), end, config.tracking.defaultRetentionDays);
        let started = performance.now();
        const accepted = await ingestOverHttp(baseUrl, requests);
        const apiMs = performance.now() - started;
        if (accepted !== total) throw new Error(`API stored ${accepted} of ${total} points`);
        started = performance.now();
        const copied = await copyRows(serviceUrl, csv);
        const copyMs = performance.now() - started;
        if (copied !== total) throw new Error(`COPY stored ${copied} of ${total} points`);
        apiRates.push((total / apiMs) * 1000);
        copyRates.push((total / copyMs) * 1000);
        say(`  round ${round}: HTTP API ${perSecond(apiRates.at(-1)!)}, raw COPY ${perSecond(copyRates.at(-1)!)}`);
      }
      const api = median(apiRates);
      const copy = median(copyRates);
      say(`  median    HTTP API ${perSecond(api).padStart(16)}`);
      say(`  median    raw COPY ${perSecond(copy).padStart(16)}`);
      say(`  API / COPY = ${((api / copy) * 100).toFixed(0)}%  (target: at least 50%)`);

      // A full day of one-second points of one user, read back simplified.
      const dayStart = Math.floor(Date.now() / DAY_MS) * DAY_MS - DAY_MS;
      const dayUser = randomUUID();
      const dayToken = await jwks.sign({ sub: dayUser, tid: randomUUID(), roles: ['rep'], org: 'bench' });
      const dayPoints = devicePoints(86_400, dayStart + DAY_MS, 86_400);
      await ingestOverHttp(baseUrl, requestsOf([{ userId: dayUser, token: dayToken, points: dayPoints }]));
      const range = `from=${new Date(dayStart).toISOString()}&to=${new Date(dayStart + DAY_MS).toISOString()}`;
      say(`track read: a day of ${dayPoints.length.toLocaleString('en')} one-second points, median of ${QUERY_RUNS} runs`);
      for (const simplifyM of [0, 5, 25]) {
        const timings: number[] = [];
        let bytes = 0;
        let vertices = 0;
        for (let run = 0; run < QUERY_RUNS; run += 1) {
          const started = performance.now();
          const response = await fetch(`${baseUrl}/api/v1/trajectories/${dayUser}?${range}&simplifyM=${simplifyM}`, {
            headers: { authorization: `Bearer ${dayToken}` },
          });
          const body = await response.text();
          timings.push(performance.now() - started);
          bytes = Buffer.byteLength(body);
          vertices = (JSON.parse(body) as { geometry: { coordinates: unknown[] } | null }).geometry?.coordinates.length ?? 0;
        }
        say(
          `  simplifyM=${String(simplifyM).padEnd(3)} ${median(timings).toFixed(0).padStart(6)} ms  ${vertices.toLocaleString('en').padStart(7)} vertices  ${(bytes / 1024).toFixed(0).padStart(6)} KiB`,
        );
      }
    } finally {
      await app.close();
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
