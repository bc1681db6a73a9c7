/**
 * Jest global setup for the integration project: a fresh database per run, set up by the real
 * `db:setup` path (roles, schemas, extensions, every service's migrations), and a dev Kafka
 * broker in this process. Workers learn about both through environment variables.
 */
import { Client } from 'pg';
import { assertTestDatabaseName } from '../test-database-guard';
import { saveRunState } from './run-state';
import { startTestContainers, testcontainersRequested } from './test-containers';
import { runDbSetup } from '../workspace-processes';

const DEFAULT_ADMIN_URL = 'postgres://postgres:postgres@127.0.0.1:5432/fieldforce';
const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
const TEST_DATABASE_PREFIX = 'fieldforce_test_';
// Runs killed before their teardown leave databases behind; later runs drop them after a day.
const STALE_AFTER_MS = 24 * 60 * 60 * 1000;

export default async function globalSetup(): Promise<void> {
  const runId = `${Date.now()}_${process.pid}`;
  const database = `${TEST_DATABASE_PREFIX}${runId}`;
  assertTestDatabaseName(database);
  const containers = (await testcontainersRequested()) ? await startTestContainers() : undefined;
  if (containers) {
    process.env.DATABASE_ADMIN_URL = containers.databaseServerUrl;
    process.env.REDIS_URL = containers.redisUrl;
    process.env.KAFKA_BROKERS = containers.kafkaBrokers;
  }

  const serverUrl = process.env.DATABASE_ADMIN_URL ?? DEFAULT_ADMIN_URL;
  const adminUrl = urlWithDatabase(serverUrl, database);
  const maintenanceUrl = urlWithDatabase(serverUrl, 'postgres');
  await dropStaleTestDatabases(maintenanceUrl);
  await runDbSetup(adminUrl);

  const externalBrokers = process.env.KAFKA_BROKERS;
  const broker = externalBrokers ? undefined : await startDevBrokerOrWarn();
  const redisUrl = process.env.REDIS_URL ?? DEFAULT_REDIS_URL;
  const redisKeyPrefix = `fftest:${runId}:`;

  process.env.FIELDFORCE_TEST_RUN_ID = runId;
  process.env.DATABASE_ADMIN_URL = adminUrl;
  if (broker) process.env.KAFKA_BROKERS = broker.brokers.join(',');
  // A shared external broker needs per-run topic names; the per-run dev broker starts empty.
  process.env.KAFKA_TOPIC_PREFIX = externalBrokers ? `fftest.${runId}.` : '';
  process.env.REDIS_URL = redisUrl;
  process.env.REDIS_KEY_PREFIX = redisKeyPrefix;
  saveRunState({
    runId,
    database,
    maintenanceUrl,
    redisUrl,
    redisKeyPrefix,
    stopBroker: broker?.stop,
    stopContainers: containers && (() => containers.stop()),
  });

  const kafka = process.env.KAFKA_BROKERS ? `Kafka at ${process.env.KAFKA_BROKERS}` : 'no Kafka broker';
  process.stdout.write(`\n[test] database ${database} ready; ${kafka}\n`);
}

function urlWithDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

interface StartedBroker {
  brokers: string[];
  stop: () => Promise<void>;
}

async function startDevBrokerOrWarn(): Promise<StartedBroker | undefined> {
  try {
    const { startDevBroker } = await import('@fieldforce/kafka-dev-broker');
    const broker = await startDevBroker({ port: 0 });
    return { brokers: broker.brokers, stop: () => broker.stop() };
  } catch (error) {
    process.stderr.write(
      `[test] warning: the dev Kafka broker did not start (${(error as Error).message}); ` +
        'KAFKA_BROKERS stays unset, so only tests that need no Kafka can pass\n',
    );
    return undefined;
  }
}

async function dropStaleTestDatabases(maintenanceUrl: string): Promise<void> {
  const client = new Client({ connectionString: maintenanceUrl });
  try {
    await client.connect();
  } catch (error) {
    const where = new URL(maintenanceUrl).host;
    throw new Error(
      `PostgreSQL does not answer at ${where} (${(error as Error).message}). Start it (bash ../shared/ci-services.sh) ` +
        'or point DATABASE_ADMIN_URL at a server where the tests may create databases.',
    );
  }
  try {
    const { rows } = await client.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname LIKE 'fieldforce\\_test\\_%'",
    );
    for (const { datname } of rows) {
      const startedAt = Number(/^fieldforce_test_(\d+)_/.exec(datname)?.[1]);
      if (!Number.isFinite(startedAt) || Date.now() - startedAt < STALE_AFTER_MS) continue;
      assertTestDatabaseName(datname);
      // Without FORCE: a database someone is still looking at stays.
      await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(datname)}`).catch(() => undefined);
    }
  } finally {
    await client.end();
  }
}
