import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { createServiceApp, loadConfig } from '@fieldforce/platform';
import { TestJwks, testDatabaseUrl, testKafka, type TestKafka } from '@fieldforce/testing';
import { AppModule } from '../../src/app.module';
import { CustomersEnv, toCustomersConfig } from '../../src/config/customers.config';
import { customersProblemMappings } from '../../src/problems';

export interface CustomersTestApp {
  app: NestFastifyApplication;
  /** Issues the access tokens the service accepts, as the permissions service would. */
  jwks: TestJwks;
  kafka: TestKafka;
  close(): Promise<void>;
}

/**
 * The customers service as `main.ts` builds it, over this run's database and broker, trusting a
 * test JWKS; `env` overrides variables (e.g. `SPATIAL_BACKEND`).
 */
export async function startCustomersTestApp(env: Record<string, string> = {}): Promise<CustomersTestApp> {
  const kafka = testKafka();
  const jwks = await TestJwks.start();
  const config = loadConfig(CustomersEnv, toCustomersConfig, {
    DATABASE_URL: testDatabaseUrl('customers'),
    KAFKA_BROKERS: kafka.brokers.join(','),
    KAFKA_TOPIC_PREFIX: kafka.topicPrefix,
    LOG_LEVEL: 'silent',
    NODE_ENV: 'test',
    ...jwks.env(),
    ...env,
  });
  const app = await createServiceApp(AppModule.forConfig(config), config, {
    openApi: { title: 'customers', version: 'test' },
    problemMappings: customersProblemMappings,
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
