import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { type KindCounts, type Ledger, REQUEST_KINDS, type RequestKind } from './load';
import { type FaultPlatform, PLATFORM_PROCESSES, type PlatformService, sleep } from './platform';
import { type Verification } from './verify';

const DEFAULT_POSTGRES_RESTART = 'pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main restart -m fast';

/** How long and how hard: the suite's short run by default, `npm run faults` sets the long one. */
export interface FaultsConfig {
  reps: number;
  customersPerRep: number;
  /** Each round injects every fault once. */
  rounds: number;
  /** Steady load before each fault and after the last. */
  settleMs: number;
  /** Pause of each device between two operations. */
  paceMs: number;
  /** How long operations in progress keep retrying after the load stopped. */
  drainMs: number;
  /** Set (FAULTS_RESTART_POSTGRES=1): the command restarting the machine's PostgreSQL; unset: the outage is simulated. */
  postgresRestartCommand: string | undefined;
  reportPath: string;
}

function integer(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer (got "${raw}")`);
  return value;
}

export function faultsConfig(): FaultsConfig {
  return {
    reps: Math.max(1, integer('FAULTS_REPS', 3)),
    customersPerRep: Math.max(1, integer('FAULTS_CUSTOMERS_PER_REP', 30)),
    rounds: Math.max(1, integer('FAULTS_ROUNDS', 1)),
    settleMs: integer('FAULTS_SETTLE_MS', 4_000),
    paceMs: integer('FAULTS_PACE_MS', 500),
    drainMs: integer('FAULTS_DRAIN_MS', 90_000),
    // Other test files may share the server: a real restart only when asked for.
    postgresRestartCommand: process.env.FAULTS_RESTART_POSTGRES === '1' ? (process.env.FAULTS_POSTGRES_RESTART_COMMAND ?? DEFAULT_POSTGRES_RESTART) : undefined,
    reportPath: process.env.FAULTS_REPORT ?? path.resolve(__dirname, '..', '..', 'reports', 'faults.json'),
  };
}

export type Fault =
  | { kind: 'sigkill'; target: PlatformService }
  | { kind: 'broker-restart'; signal: 'SIGTERM' | 'SIGKILL' }
  | { kind: 'postgres-outage' };

/** One round: every service killed in turn, the broker restarted, Postgres taken away (odd rounds kill the broker instead of stopping it). */
export function faultSchedule(rounds: number): Fault[] {
  return Array.from({ length: rounds }, (_, round): Fault[] => [
    ...PLATFORM_PROCESSES.map((target): Fault => ({ kind: 'sigkill', target })),
    { kind: 'broker-restart', signal: round % 2 === 0 ? 'SIGTERM' : 'SIGKILL' },
    { kind: 'postgres-outage' },
  ]).flat();
}

export interface FaultRecord {
  fault: string;
  /** Exactly what was done. */
  action: string;
  at: string;
  /** The machine's 1-minute load average at the fault (2 cores: above 2, processes wait for CPU). */
  loadAverage: number;
  /** From the fault until the restarted part was back: the service answering `/health/ready`, the broker listening, the Postgres restart command done. */
  restartedAfterMs: number;
  /** From the fault until every process answered `/health/ready` with 200 again (null: never, within the wait). */
  readyAfterMs: number | null;
  /** From the fault until each kind of write was acknowledged again. */
  writesAcknowledgedAgainAfterMs: Record<RequestKind, number | null>;
}

const RECOVERY_WAIT_MS = 300_000;

/** Polls `probe` until it holds; resolves to the time it took, or null after `timeoutMs`. */
async function timeUntil(probe: () => Promise<boolean>, since: number, timeoutMs = RECOVERY_WAIT_MS): Promise<number | null> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return Date.now() - since;
    await sleep(250);
  }
  return null;
}

function faultName(fault: Fault): string {
  switch (fault.kind) {
    case 'sigkill':
      return `sigkill ${fault.target}`;
    case 'broker-restart':
      return `broker restart (${fault.signal})`;
    case 'postgres-outage':
      return 'postgres outage';
    default: {
      const unknown: never = fault;
      throw new Error(`unknown fault ${JSON.stringify(unknown)}`);
    }
  }
}

/** Injects one fault and measures the recovery; never repairs anything beyond what the fault itself restarts. */
export async function injectFault(platform: FaultPlatform, ledger: Ledger, fault: Fault, config: FaultsConfig): Promise<FaultRecord> {
  const [loadAverage = 0] = loadavg();
  const at = Date.now();
  let action: string;
  switch (fault.kind) {
    case 'sigkill':
      action = await platform.killAndRestart(fault.target);
      break;
    case 'broker-restart':
      action = await platform.restartBroker(fault.signal, 2_000);
      break;
    case 'postgres-outage':
      action = await platform.postgresOutage(config.postgresRestartCommand);
      break;
    default: {
      const unknown: never = fault;
      throw new Error(`unknown fault ${JSON.stringify(unknown)}`);
    }
  }
  const restartedAfterMs = Date.now() - at;
  const readyAfterMs = await timeUntil(() => platform.allReady(), at);
  const writesAcknowledgedAgainAfterMs = {} as Record<RequestKind, number | null>;
  for (const kind of REQUEST_KINDS) {
    const found = await timeUntil(async () => ledger.firstAckAfter(kind, at) !== undefined, at);
    writesAcknowledgedAgainAfterMs[kind] = found === null ? null : ledger.firstAckAfter(kind, at)! - at;
  }
  return {
    fault: faultName(fault),
    action,
    at: new Date(at).toISOString(),
    loadAverage: Math.round(loadAverage * 10) / 10,
    restartedAfterMs,
    readyAfterMs,
    writesAcknowledgedAgainAfterMs,
  };
}

export interface FaultsReport {
  startedAt: string;
  durationS: number;
  config: Omit<FaultsConfig, 'reportPath'> & { postgres: string };
  platform: { database: string; broker: string; topicPrefix: string; processes: readonly string[] };
  requests: Record<RequestKind, KindCounts> & { logins: { requests: number; failed: number }; mutations: { acknowledged: number; byStatus: Record<string, number> } };
  failedRequestsByCause: Record<string, number>;
  rejections: unknown[];
  /** Answers with a 5xx that does not say "unavailable" (502/503/504), by kind, with their bodies. */
  serverErrors: unknown[];
  faults: FaultRecord[];
  /** After the load stopped: until every outbox row was sent, every consumer had everything and every read model equalled its source. */
  caughtUpAfterMs: number | null;
  verification: Verification;
  duplicates: number;
  lost: number;
}

export function buildReport(input: {
  startedAt: number;
  config: FaultsConfig;
  platform: FaultPlatform;
  ledger: Ledger;
  faults: FaultRecord[];
  caughtUpAfterMs: number | null;
  verification: Verification;
}): FaultsReport {
  const { config, platform, ledger, verification } = input;
  const byStatus: Record<string, number> = {};
  for (const mutation of ledger.mutations) byStatus[mutation.status] = (byStatus[mutation.status] ?? 0) + 1;
  const { reportPath: _reportPath, ...settings } = config;
  return {
    startedAt: new Date(input.startedAt).toISOString(),
    durationS: Math.round((Date.now() - input.startedAt) / 1000),
    config: {
      ...settings,
      postgres: config.postgresRestartCommand
        ? `server restarted with: ${config.postgresRestartCommand}`
        : 'simulated: pg_terminate_backend of every service connection to this file\'s database (FAULTS_RESTART_POSTGRES=1 restarts the server)',
    },
    platform: {
      database: platform.database.name,
      broker: `own dev broker (libs/kafka-dev-broker) on port ${platform.broker.port}, data in ${platform.broker.dataDir}`,
      topicPrefix: platform.topicPrefix,
      processes: PLATFORM_PROCESSES,
    },
    requests: { ...ledger.counts, logins: ledger.logins, mutations: { acknowledged: ledger.mutations.length, byStatus } },
    failedRequestsByCause: ledger.failureCauses,
    rejections: ledger.rejections.slice(0, 50),
    serverErrors: ledger.serverErrors,
    faults: input.faults,
    caughtUpAfterMs: input.caughtUpAfterMs,
    verification,
    duplicates: verification.duplicates.total,
    lost: verification.lost.total,
  };
}

/** Writes the report as JSON and prints its summary. */
export function writeReport(report: FaultsReport, file: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  const lines = [
    `faults: ${report.faults.length} faults in ${report.durationS} s; report in ${file}`,
    ...REQUEST_KINDS.map((kind) => {
      const c = report.requests[kind];
      return `  ${kind}: ${c.operations} operations, ${c.requests} requests, ${c.acknowledged} acknowledged, ${c.failedRequests} failed requests (retried), ${c.abandoned} abandoned, ${c.rejected} rejected`;
    }),
    `  failed requests by cause: ${JSON.stringify(report.failedRequestsByCause)}`,
    ...report.serverErrors.map((error) => `  server error: ${JSON.stringify(error).slice(0, 300)}`),
    ...report.faults.map(
      (fault) =>
        `  ${fault.fault} (load ${fault.loadAverage}): back after ${fault.restartedAfterMs} ms, all ready after ${fault.readyAfterMs ?? 'never'} ms; writes acknowledged again after ${REQUEST_KINDS.map((kind) => `${kind} ${fault.writesAcknowledgedAgainAfterMs[kind] ?? 'never'} ms`).join(', ')}`,
    ),
    `  events per topic: ${Object.entries(report.verification.events).map(([topic, counts]) => `${topic} ${counts.outbox} (${counts.relayRedeliveries} redelivered)`).join(', ')}`,
    `  caught up ${report.caughtUpAfterMs ?? 'never'} ms after the load stopped; duplicates ${report.duplicates}, lost ${report.lost}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
