import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { createServiceApp, type EnvSource, loadConfig } from '@fieldforce/platform';
import { TestJwks, testDatabaseUrl, testKafka, type TestKafka, testRedis } from '@fieldforce/testing';
import { AppModule } from '../../src/app.module';
import { type CheckinsConfig, CheckinsEnv, toCheckinsConfig } from '../../src/config/checkins.config';
import { checkinsProblemMappings } from '../../src/problem-mappings';

export interface CheckinsTestApp {
  app: NestFastifyApplication;
  config: CheckinsConfig;
  /** Issues the access tokens the service accepts, as the permissions service would. */
  jwks: TestJwks;
  kafka: TestKafka;
  close(): Promise<void>;
}

/** The checkins service as `main.ts` builds it, over this run's database, Redis and broker, trusting a test JWKS. */
export async function startCheckinsTestApp(env: EnvSource = {}): Promise<CheckinsTestApp> {
  const kafka = testKafka();
  const redis = testRedis();
  const jwks = await TestJwks.start();
  const config = loadConfig(CheckinsEnv, toCheckinsConfig, {
    DATABASE_URL: testDatabaseUrl('checkins'),
    KAFKA_BROKERS: kafka.brokers.join(','),
    KAFKA_TOPIC_PREFIX: kafka.topicPrefix,
    REDIS_URL: redis.url,
    REDIS_KEY_PREFIX: redis.keyPrefix,
    LOG_LEVEL: 'silent',
    NODE_ENV: 'test',
    ...jwks.env(),
    ...env,
  });
  const app = await createServiceApp(AppModule.forConfig(config), config, {
    openApi: { title: 'checkins', version: 'test' },
    problemMappings: checkinsProblemMappings,
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
