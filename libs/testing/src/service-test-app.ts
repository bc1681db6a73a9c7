import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { type SchemaService } from '@fieldforce/persistence';
import { type DomainProblemMapping, type EnvSource, type ServiceConfig, type ServiceModule, createServiceApp, loadConfig } from '@fieldforce/platform';
import { TestJwks } from './auth';
import { testDatabaseUrl } from './test-database';
import { type TestKafka, testKafka, testRedis } from './test-environment';

/** How a service builds itself, as its `main.ts` does. */
export interface ServiceDefinition<TEnv extends object, TConfig extends ServiceConfig> {
  service: SchemaService;
  Env: new () => TEnv;
  toConfig: (env: TEnv) => TConfig;
  module: (config: TConfig) => ServiceModule;
  problemMappings?: readonly DomainProblemMapping[];
  /** The service's own test defaults, under the caller's `env`. */
  env?: Record<string, string>;
}

export interface ServiceTestApp<TConfig> {
  app: NestFastifyApplication;
  config: TConfig;
  /** Issues the access tokens the service accepts, as the permissions service would. */
  jwks: TestJwks;
  kafka: TestKafka;
  close(): Promise<void>;
}

export interface ServiceTestAppOptions {
  /** Variables overriding the test defaults. */
  env?: EnvSource;
  /** Trust this JWKS (another app's) instead of starting one; the caller stops it. */
  jwks?: TestJwks;
}

/**
 * A service's app (initialised, not listening) over this run's database, Redis and broker,
 * trusting a test JWKS, as `main.ts` builds it.
 */
export async function startServiceTestApp<TEnv extends object, TConfig extends ServiceConfig>(
  definition: ServiceDefinition<TEnv, TConfig>,
  options: ServiceTestAppOptions = {},
): Promise<ServiceTestApp<TConfig>> {
  const kafka = testKafka();
  const redis = testRedis();
  const jwks = options.jwks ?? (await TestJwks.start());
  const config = loadConfig(definition.Env, definition.toConfig, {
    DATABASE_URL: testDatabaseUrl(definition.service),
    KAFKA_BROKERS: kafka.brokers.join(','),
    KAFKA_TOPIC_PREFIX: kafka.topicPrefix,
    REDIS_URL: redis.url,
    REDIS_KEY_PREFIX: redis.keyPrefix,
    LOG_LEVEL: 'silent',
    NODE_ENV: 'test',
    ...definition.env,
    ...jwks.env(),
    ...options.env,
  });
  const app = await createServiceApp(definition.module(config), config, {
    openApi: { title: definition.service, version: 'test' },
    problemMappings: definition.problemMappings,
  });
  return {
    app,
    config,
    jwks,
    kafka,
    close: async () => {
      await app.close();
      if (!options.jwks) await jwks.stop();
    },
  };
}
