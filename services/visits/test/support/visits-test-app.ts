import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { createServiceApp, loadConfig } from '@fieldforce/platform';
import { TestJwks, testDatabaseUrl, testKafka, type TestKafka, testRedis } from '@fieldforce/testing';
import { AppModule } from '../../src/app.module';
import { VisitsEnv, toVisitsConfig } from '../../src/config/visits.config';
import { visitsProblemMappings } from '../../src/problems';

export interface VisitsTestApp {
  app: NestFastifyApplication;
  /** Issues the access tokens the service accepts, as the permissions service would. */
  jwks: TestJwks;
  kafka: TestKafka;
  close(): Promise<void>;
}

/** The visits service as `main.ts` builds it, over this run's database and broker, trusting a test JWKS. */
export async function startVisitsTestApp(env: Record<string, string> = {}): Promise<VisitsTestApp> {
  const kafka = testKafka();
  const jwks = await TestJwks.start();
  const redis = testRedis();
  const config = loadConfig(VisitsEnv, toVisitsConfig, {
    DATABASE_URL: testDatabaseUrl('visits'),
    KAFKA_BROKERS: kafka.brokers.join(','),
    KAFKA_TOPIC_PREFIX: kafka.topicPrefix,
    REDIS_URL: redis.url,
    REDIS_KEY_PREFIX: redis.keyPrefix,
    LOG_LEVEL: 'silent',
    NODE_ENV: 'test',
    // Background reminder passes only where a test asks for them (REMINDERS_ENABLED=true).
    REMINDERS_ENABLED: 'false',
    ...jwks.env(),
    ...env,
  });
  const app = await createServiceApp(AppModule.forConfig(config), config, {
    openApi: { title: 'visits', version: 'test' },
    problemMappings: visitsProblemMappings,
  });
  return {
    app,
    jwks,
    kafka,
    close: async () => {
      await app.close();
      await jwks.stop();
    },
  };
}
