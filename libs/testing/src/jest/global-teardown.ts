/** Jest global teardown: stops the dev broker, drops the run's databases and Redis keys, stops the containers of the Docker path. */
import Redis from 'ioredis';
import { Client } from 'pg';
import { assertTestDatabaseName } from '../test-database-guard';
import { loadRunState } from './run-state';

export default async function globalTeardown(): Promise<void> {
  const state = loadRunState();
  if (!state) return;
  await state.stopBroker?.();
  if (process.env.KEEP_TEST_DB === '1') {
    process.stdout.write(`[test] KEEP_TEST_DB=1: database ${state.database} kept\n`);
  } else {
    await dropRunDatabases(state.maintenanceUrl, state.database);
  }
  await deleteRedisKeys(state.redisUrl, state.redisKeyPrefix);
  await state.stopContainers?.();
}

// The run's database and any scratch databases named after it.
async function dropRunDatabases(maintenanceUrl: string, database: string): Promise<void> {
  const client = new Client({ connectionString: maintenanceUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname = $1 OR datname LIKE replace($1, '_', '\\_') || '\\_%'",
      [database],
    );
    for (const { datname } of rows) {
      assertTestDatabaseName(datname);
      await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(datname)} WITH (FORCE)`);
    }
  } finally {
    await client.end();
  }
}

async function deleteRedisKeys(url: string, prefix: string): Promise<void> {
  // Redis holds nothing that matters after the run: never let it fail or hang the teardown.
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null, connectTimeout: 2000 });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      if (keys.length > 0) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } catch {
    process.stderr.write(`[test] warning: could not delete Redis keys ${prefix}* at ${url}\n`);
  } finally {
    redis.disconnect();
  }
}
