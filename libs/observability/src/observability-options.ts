import { type Type } from '@nestjs/common';
import { type HealthIndicatorResult } from '@nestjs/terminus';
import { type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { type DestinationStream } from 'pino';

/** A readiness check of a service's own (an injectable class); the result joins `/health/ready`. */
export interface ReadinessCheck {
  check(): Promise<HealthIndicatorResult>;
}

/** Which dependencies `/health/ready` checks; each service picks those it uses. */
export interface HealthOptions {
  /** The TypeORM DataSource (from @fieldforce/persistence). */
  postgres?: boolean;
  /** The ioredis client (from RedisModule of @fieldforce/platform). */
  redis?: boolean;
  /** The Kafka brokers of the service config, via a kafkajs admin client. */
  kafka?: boolean;
  /** The service's own checks, provided by this module (they may inject the service config). */
  checks?: Type<ReadinessCheck>[];
  /** Per-check time limit; a slower dependency counts as down. */
  timeoutMs?: number;
}

export interface ObservabilityOptions {
  service: string;
  health?: HealthOptions;
  /** Where JSON log lines go; stdout when absent. */
  logDestination?: DestinationStream;
  /** Replaces the exporter OTEL_TRACES_EXPORTER names, when that is not `none` (tests read spans from it). */
  spanExporter?: SpanExporter;
  /**
   * Path prefixes whose requests get a lean request log instead of pino-http's: the same
   * "request completed" line, built only when its level is enabled, and no per-request child
   * loggers, so lines logged while handling such a request carry the trace id but not the request
   * id unless they name it. For the gateway's proxied routes, where pino-http's per-request
   * loggers cost more than the proxying itself.
   */
  leanRequestLogPrefixes?: readonly string[];
}

export const OBSERVABILITY_OPTIONS = Symbol('OBSERVABILITY_OPTIONS');
