import { Controller, Get, Logger, type DynamicModule, Module, Param } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import {
  BaseServiceEnv,
  RedisModule,
  type ServiceConfig,
  loadConfig,
  toServiceConfig,
} from '@fieldforce/platform';
import { testAdminUrl, testKafka, testRedis } from '@fieldforce/testing';
import { type HealthOptions, ObservabilityModule, TraceContext } from '../src';

@Controller('visits')
class SampleVisitController {
  private readonly logger = new Logger(SampleVisitController.name);

  @Get('broken/now')
  broken(): never {
    throw new Error('connect ECONNREFUSED 10.0.0.7:5432');
  }

  @Get(':id')
  findOne(@Param('id') id: string): { id: string; traceId: string | undefined } {
    this.logger.log(`looking up visit ${id}`);
    this.logger.debug({ visitId: id, credentials: { user: 'rep-1', password: 'hunter2' } });
    return { id, traceId: TraceContext.current()?.traceId };
  }
}

class SampleEnv extends BaseServiceEnv {
  override PORT = 3998;
}

/** The sample service's config over this test run's Postgres, Redis and Kafka. */
export function sampleConfig(overrides: Record<string, string> = {}): ServiceConfig {
  const redis = testRedis();
  const kafka = testKafka();
  return loadConfig(SampleEnv, (env) => toServiceConfig('sample', env), {
    DATABASE_URL: testAdminUrl(),
    REDIS_URL: redis.url,
    REDIS_KEY_PREFIX: redis.keyPrefix,
    KAFKA_BROKERS: kafka.brokers.join(','),
    LOG_LEVEL: 'debug',
    ...overrides,
  });
}

export interface SampleModuleOptions {
  health: HealthOptions;
  logLines?: string[];
  leanRequestLogPrefixes?: string[];
}

/** A service module as a service writes it: persistence, Redis and observability from its config. */
export function sampleAppModule(config: ServiceConfig, options: SampleModuleOptions): DynamicModule {
  const logLines = options.logLines;
  @Module({
    imports: [
      TypeOrmModule.forRoot({ type: 'postgres', url: config.database.url, retryAttempts: 0 }),
      RedisModule.forRoot(config.redis),
      ObservabilityModule.forService({
        service: 'sample',
        health: options.health,
        logDestination: logLines === undefined ? undefined : { write: (line: string) => void logLines.push(line) },
        leanRequestLogPrefixes: options.leanRequestLogPrefixes,
      }),
    ],
    controllers: [SampleVisitController],
  })
  class SampleAppModule {}
  return { module: SampleAppModule };
}
