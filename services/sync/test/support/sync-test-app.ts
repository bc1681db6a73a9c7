import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { createServiceApp, type EnvSource, loadConfig } from '@fieldforce/platform';
import { TestJwks, testDatabaseUrl, testKafka, type TestKafka } from '@fieldforce/testing';
import { AppModule } from '../../src/app.module';
import { type SyncConfig, SyncEnv, toSyncConfig } from '../../src/config/sync.config';
import { syncProblemMappings } from '../../src/problem-mappings';

export interface SyncTestApp {
  app: NestFastifyApplication;
  config: SyncConfig;
  /** Issues the access tokens the service accepts, as the permissions service would. */
  jwks: TestJwks;
  kafka: TestKafka;
  close(): Promise<void>;
}

/** The sync service as `main.ts` builds it, over this run's database and broker, trusting a test JWKS. */
export async function startSyncTestApp(env: EnvSource = {}): Promise<SyncTestApp> {
  const kafka = testKafka();
  const jwks = await TestJwks.start();
  const config = loadConfig(SyncEnv, toSyncConfig, {
    DATABASE_URL: testDatabaseUrl('sync'),
    KAFKA_BROKERS: kafka.brokers.join(','),
    KAFKA_TOPIC_PREFIX: kafka.topicPrefix,
    LOG_LEVEL: 'silent',
    NODE_ENV: 'test',
    ...jwks.env(),
    ...env,
  });
  const app = await createServiceApp(AppModule.forConfig(config), config, {
    openApi: { title: 'sync', version: 'test' },
    problemMappings: syncProblemMappings,
  });
  return {
    app,
    config,
    jwks,
    kafka,
    close: async () => {
      await app.close();
      await jwks.stop();
    },
  };
}
