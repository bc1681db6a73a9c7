// Shared set-up of the customers benchmarks: a scratch database migrated like production, the
// customers service booted in this process over it (Kafka deliberately unreachable: events wait
// in the outbox, as the service allows), and helpers to fill it and time things.
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import { DataSource, type Logger } from 'typeorm';
import { roleDatabaseUrl, runMigrations, serviceDataSourceOptions, servicePassword, setupDatabase, withDatabase } from '@fieldforce/persistence';
import { createServiceApp, loadConfig } from '@fieldforce/platform';
import { TestJwks } from '@fieldforce/testing';
import { AppModule } from '../../services/customers/src/app.module';
import { CustomersEnv, toCustomersConfig } from '../../services/customers/src/config/customers.config';
import { customersProblemMappings } from '../../services/customers/src/problems';

const ADMIN_URL = process.env['DATABASE_ADMIN_URL'] ?? 'postgres://postgres:postgres@127.0.0.1:5432/fieldforce';

/** Keeps the last query a DataSource ran, so a benchmark can EXPLAIN exactly what it timed. */
export class LastQuery implements Logger {
  sql = '';
  parameters: unknown[] = [];

  logQuery(query: string, parameters?: unknown[]): void {
    this.sql = query;
    this.parameters = parameters ?? [];
  }

  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}

export interface BenchDatabase {
  /** The customers role's URL. */
  url: string;
  /**
   * A DataSource as the service configures its own, plus `settings` (e.g. planner settings) on
   * every connection; `lastQuery` records what it runs.
   */
  dataSource(settings?: string, lastQuery?: LastQuery): Promise<DataSource>;
  drop(): Promise<void>;
}

/** A fresh database `<name>_bench_<pid>` with every extension db:setup installs and the customers migrations applied. */
export async function createBenchDatabase(label: string): Promise<BenchDatabase> {
  const name = `fieldforce_bench_${label}_${process.pid}`;
  const adminUrl = withDatabase(ADMIN_URL, name);
  const { postgis } = await setupDatabase({ adminUrl, services: ['customers'] });
  process.stdout.write(`bench database ${name}${postgis ? ' (PostGIS available)' : ' (no PostGIS: plain SQL only)'}\n`);
  const url = roleDatabaseUrl(adminUrl, 'customers', servicePassword('customers'));
  const open = async (settings?: string, lastQuery?: LastQuery): Promise<DataSource> => {
    const base = serviceDataSourceOptions({
      service: 'customers',
      url,
      poolSize: 4,
      entities: [path.join(__dirname, '../../services/customers/src/modules/**/entities/*.entity.ts')],
      migrations: [path.join(__dirname, '../../services/customers/src/database/migrations/*.ts')],
    });
    const extra = settings ? { options: `-c search_path=customers,public ${settings}` } : base.extra;
    const logging = lastQuery ? { logger: lastQuery, logging: ['query' as const] } : {};
    return new DataSource({ ...base, extra, ...logging }).initialize();
  };
  const migrator = await open();
  await runMigrations(migrator, 'up');
  await migrator.destroy();
  return {
    url,
    dataSource: open,
    drop: async () => {
      const client = new Client({ connectionString: withDatabase(ADMIN_URL, 'postgres') });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
      await client.end();
    },
  };
}

export interface BenchApp {
  app: NestFastifyApplication;
  jwks: TestJwks;
  close(): Promise<void>;
}

/** The customers service over the bench database, trusting a local JWKS; `env` overrides variables. */
export async function startBenchApp(database: BenchDatabase, env: Record<string, string> = {}): Promise<BenchApp> {
  const jwks = await TestJwks.start();
  const config = loadConfig(CustomersEnv, toCustomersConfig, {
    DATABASE_URL: database.url,
    // Nobody listens there: the service runs without Kafka and keeps its events in the outbox.
    KAFKA_BROKERS: '127.0.0.1:1',
    LOG_LEVEL: 'silent',
    NODE_ENV: 'test',
    ...jwks.env(),
    ...env,
  });
  const app = await createServiceApp(AppModule.forConfig(config), config, {
    openApi: { title: 'customers bench', version: 'bench' },
    problemMappings: customersProblemMappings,
  });
  return {
    app,
    jwks,
    close: async () => {
      await app.close();
      await jwks.stop();
    },
  };
}

/** A deterministic pseudo-random sequence, so two variants of a benchmark see the same inputs. */
export function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

/** Milliseconds `work` took. */
export async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

/** The value below which `fraction` of the samples lie. */
export function percentile(samples: readonly number[], fraction: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!;
}

export const format = (ms: number): string => `${ms.toFixed(2)} ms`;
