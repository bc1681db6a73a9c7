import {
  type DynamicModule,
  type MiddlewareConsumer,
  type NestModule,
  Logger,
  Module,
  RequestMethod,
} from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule, Logger as PinoNestLogger } from 'nestjs-pino';
import { SERVICE_CONFIG, type ServiceConfig } from '@fieldforce/platform';
import { HealthController } from './health/health.controller';
import { KafkaHealthIndicator } from './health/kafka.health';
import { PostgresHealthIndicator } from './health/postgres.health';
import { RedisHealthIndicator } from './health/redis.health';
import { LeanRequestLog, routesUnder } from './logging/lean-request-log';
import { loggerParams } from './logging/logger-params';
import { HttpMetrics } from './metrics/http-metrics';
import { MetricsController } from './metrics/metrics.controller';
import { OBSERVABILITY_OPTIONS, type ObservabilityOptions } from './observability-options';
import { GracefulShutdown } from './shutdown/graceful-shutdown';
import { ShutdownRegistry } from './shutdown/shutdown-registry';
import { TraceMiddleware } from './trace/trace.middleware';
import { TracingLifecycle } from './tracing/tracing.lifecycle';

const NEST_LOGGER_BRIDGE = Symbol('NEST_LOGGER_BRIDGE');

/**
 * Logs, traces (OpenTelemetry spans when OTEL_TRACES_EXPORTER names an exporter), health, metrics
 * and graceful shutdown for one service. Needs the service config
 * (`ConfigModule.forRoot`, which `createServiceApp` provides).
 */
@Module({})
export class ObservabilityModule implements NestModule {
  static forService(options: ObservabilityOptions): DynamicModule {
    return {
      module: ObservabilityModule,
      global: true,
      imports: [
        TerminusModule.forRoot({ errorLogStyle: 'json' }),
        LoggerModule.forRootAsync({
          inject: [SERVICE_CONFIG],
          useFactory: (config: ServiceConfig) =>
            loggerParams({
              service: options.service,
              level: config.log.level,
              destination: options.logDestination,
              exclude: routesUnder(options.leanRequestLogPrefixes ?? []),
            }),
        }),
      ],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: OBSERVABILITY_OPTIONS, useValue: options },
        // Installed while the app is being created, so Nest's own start-up lines already go through pino.
        {
          provide: NEST_LOGGER_BRIDGE,
          inject: [PinoNestLogger],
          useFactory: (logger: PinoNestLogger) => {
            Logger.overrideLogger(logger);
            return logger;
          },
        },
        ShutdownRegistry,
        GracefulShutdown,
        HttpMetrics,
        LeanRequestLog,
        PostgresHealthIndicator,
        RedisHealthIndicator,
        KafkaHealthIndicator,
        TraceMiddleware,
        TracingLifecycle,
        ...(options.health?.checks ?? []),
      ],
      exports: [ShutdownRegistry],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(TraceMiddleware).forRoutes({ path: '*', method: RequestMethod.ALL });
  }
}
