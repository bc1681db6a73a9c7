import { type BaseServiceEnv, type LogLevel, type NodeEnvironment, type TracesExporter } from './base-service-env';

/** The dev broker `npm run dev` starts when KAFKA_BROKERS is unset. */
export const DEV_KAFKA_BROKER = '127.0.0.1:9092';

/** The typed configuration every service has; a service's own config extends it. */
export interface ServiceConfig {
  service: string;
  environment: NodeEnvironment;
  http: {
    host: string;
    port: number;
    bodyLimitBytes: number;
    trustProxy: boolean;
    /** Empty: CORS disabled; `['*']`: any origin. */
    corsOrigins: string[];
  };
  log: { level: LogLevel };
  database: { url: string; poolSize: number };
  redis: RedisConfig;
  kafka: {
    brokers: string[];
    /** True when KAFKA_BROKERS was unset and the dev broker is assumed. */
    usesDevBroker: boolean;
    clientId: string;
    topicPrefix: string;
  };
  shutdown: { timeoutMs: number; drainDelayMs: number };
  tracing: TracingConfig;
}

/** OpenTelemetry tracing (OTEL_* variables); exporter `none` means tracing is off. */
export interface TracingConfig {
  exporter: TracesExporter;
  /** OTLP/HTTP base URL, without the `/v1/traces` path. */
  otlpEndpoint: string;
  /** The `service.name` of exported spans. */
  serviceName: string;
  /** Share of new traces recorded, 0 to 1. */
  samplerRatio: number;
}

export interface RedisConfig {
  url: string;
  keyPrefix: string;
}

function splitList(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

/** Maps the variables of `BaseServiceEnv` into the shared part of a service's config. */
export function toServiceConfig(service: string, env: BaseServiceEnv): ServiceConfig {
  const brokers = env.KAFKA_BROKERS === undefined ? [] : splitList(env.KAFKA_BROKERS);
  return {
    service,
    environment: env.NODE_ENV,
    http: {
      host: env.HOST,
      port: env.PORT,
      bodyLimitBytes: env.HTTP_BODY_LIMIT_BYTES,
      trustProxy: env.TRUST_PROXY,
      corsOrigins: splitList(env.CORS_ORIGINS),
    },
    log: { level: env.LOG_LEVEL },
    database: { url: env.DATABASE_URL, poolSize: env.DATABASE_POOL_SIZE },
    redis: { url: env.REDIS_URL, keyPrefix: env.REDIS_KEY_PREFIX },
    kafka: {
      brokers: brokers.length > 0 ? brokers : [DEV_KAFKA_BROKER],
      usesDevBroker: brokers.length === 0,
      clientId: service,
      topicPrefix: env.KAFKA_TOPIC_PREFIX,
    },
    shutdown: { timeoutMs: env.SHUTDOWN_TIMEOUT_MS, drainDelayMs: env.SHUTDOWN_DRAIN_DELAY_MS },
    tracing: {
      exporter: env.OTEL_TRACES_EXPORTER,
      otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, ''),
      serviceName: env.OTEL_SERVICE_NAME ?? service,
      samplerRatio: env.OTEL_TRACES_SAMPLER_ARG,
    },
  };
}
