import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { runMigrations } from '@fieldforce/persistence';
import { createServiceApp, type EnvSource, loadConfig } from '@fieldforce/platform';
import { createTestDatabase, createTestDataSource, testDatabaseUrl, testKafka, testRedis } from '@fieldforce/testing';
import { AppModule } from '../../src/app.module';
import { type PermissionsConfig, PermissionsEnv, toPermissionsConfig } from '../../src/config/permissions.config';
import { permissionsProblems } from '../../src/problem-mappings';

const MIGRATIONS = path.join(__dirname, '../../src/database/migrations/*.ts');

export interface PermissionsTestApp {
  app: NestFastifyApplication;
  config: PermissionsConfig;
  /** Closes the app and drops its own database, if it has one. */
  close(): Promise<void>;
}

/**
 * The permissions app on this run's Redis (a key space of its own) and Kafka, not listening. On
 * this run's database by default; `ownDatabase` gives it a migrated database of its own, for
 * tests that change state every app shares (the signing keys).
 */
export async function startPermissionsApp(options: { env?: EnvSource; ownDatabase?: string } = {}): Promise<PermissionsTestApp> {
  const kafka = testKafka();
  const redis = testRedis();
  const database = options.ownDatabase === undefined ? undefined : await migratedDatabase(options.ownDatabase);
  const config = loadConfig(PermissionsEnv, toPermissionsConfig, {
    DATABASE_URL: database?.serviceUrl('permissions') ?? testDatabaseUrl('permissions'),
    KAFKA_BROKERS: kafka.brokers.join(','),
    KAFKA_TOPIC_PREFIX: kafka.topicPrefix,
    REDIS_URL: redis.url,
    // Each app gets its own login counters, so test files never throttle each other.
    REDIS_KEY_PREFIX: `${redis.keyPrefix}permissions:${randomUUID()}:`,
    LOG_LEVEL: 'silent',
    NODE_ENV: 'test',
    ...options.env,
  });
  const app = await createServiceApp(AppModule.forConfig(config), config, {
    openApi: { title: 'permissions', version: 'test' },
    problemMappings: permissionsProblems,
  });
  return {
    app,
    config,
    close: async () => {
      await app.close();
      await database?.drop();
    },
  };
}

/** A scratch database of this run with the permissions schema migrated. */
export async function migratedDatabase(label: string): ReturnType<typeof createTestDatabase> {
  const database = await createTestDatabase(label);
  const dataSource = await createTestDataSource('permissions', { url: database.serviceUrl('permissions'), migrations: [MIGRATIONS] });
  try {
    await runMigrations(dataSource, 'up');
  } finally {
    await dataSource.destroy();
  }
  return database;
}
