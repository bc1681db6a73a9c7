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

export interface CustomersTestAppOptions {
  /** Variables overriding the test defaults (e.g. `SPATIAL_BACKEND`). */
  env?: Record<string, string>;
  /** Trust this JWKS (another app's) instead of starting one; the caller stops it. */
  jwks?: TestJwks;
}

/** The customers service as `main.ts` builds it, over this run's database and broker, trusting a test JWKS. */
export async function startCustomersTestApp(options: CustomersTestAppOptions = {}): Promise<CustomersTestApp> {
  const kafka = testKafka();
  const jwks = options.jwks ?? (await TestJwks.start());
  const config = loadConfig(CustomersEnv, toCustomersConfig, {
    DATABASE_URL: testDatabaseUrl('customers'),
    KAFKA_BROKERS: kafka.brokers.join(','),
    KAFKA_TOPIC_PREFIX: kafka.topicPrefix,
    LOG_LEVEL: 'silent',
    NODE_ENV: 'test',
    ...jwks.env(),
    ...options.env,
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
      if (!options.jwks) await jwks.stop();
    },
  };
}
