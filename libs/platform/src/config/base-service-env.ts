import 'reflect-metadata';
import { Transform, Type } from 'class-transformer';
import { IsIn, IsInt, IsNumber, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

export const NODE_ENVIRONMENTS = ['development', 'test', 'production'] as const;
export type NodeEnvironment = (typeof NODE_ENVIRONMENTS)[number];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const TRACES_EXPORTERS = ['none', 'otlp', 'console'] as const;
export type TracesExporter = (typeof TRACES_EXPORTERS)[number];

const BROKER_LIST = /^\s*[A-Za-z0-9.-]+:\d{1,5}\s*(,\s*[A-Za-z0-9.-]+:\d{1,5}\s*)*$/;
const TOPIC_PREFIX = /^[A-Za-z0-9._-]*$/;
const HOSTNAME = /^[A-Za-z0-9.:-]+$/;
const SERVICE_NAME = /^[A-Za-z0-9._-]{1,128}$/;

// Keeps anything but the usual spellings of a boolean, so @IsIn reports it with the raw value.
const toBoolean = ({ value }: { value: unknown }): unknown => {
  if (typeof value !== 'string') return value;
  const normalized = value.trim().toLowerCase();
  if (['true', '1', 'yes'].includes(normalized)) return true;
  if (['false', '0', 'no'].includes(normalized)) return false;
  return value;
};

/**
 * The environment variables every service reads. A service extends it with its own variables
 * and sets its own defaults as property initializers (`override PORT = 3002`).
 */
export class BaseServiceEnv {
  @IsIn(NODE_ENVIRONMENTS, { message: `must be one of ${NODE_ENVIRONMENTS.join(', ')}` })
  NODE_ENV: NodeEnvironment = 'development';

  @Type(() => Number)
  @IsInt({ message: 'must be an integer between 1 and 65535' })
  @Min(1, { message: 'must be an integer between 1 and 65535' })
  @Max(65535, { message: 'must be an integer between 1 and 65535' })
  PORT!: number;

  @Matches(HOSTNAME, { message: 'must be a host name or IP address' })
  HOST = '0.0.0.0';

  @IsIn(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL: LogLevel = 'info';

  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'must be a postgres:// URL' })
  DATABASE_URL!: string;

  @Type(() => Number)
  @IsInt({ message: 'must be an integer between 1 and 100' })
  @Min(1, { message: 'must be an integer between 1 and 100' })
  @Max(100, { message: 'must be an integer between 1 and 100' })
  DATABASE_POOL_SIZE = 10;

  @Matches(/^rediss?:\/\/\S+$/, { message: 'must be a redis:// or rediss:// URL' })
  REDIS_URL = 'redis://127.0.0.1:6379';

  @IsString()
  REDIS_KEY_PREFIX = '';

  /** Unset means the dev broker on 127.0.0.1:9092 (local development only). */
  @IsOptional()
  @Matches(BROKER_LIST, { message: 'must be a comma-separated list of host:port' })
  KAFKA_BROKERS?: string;

  @Matches(TOPIC_PREFIX, { message: 'may contain only letters, digits, ".", "_" and "-"' })
  KAFKA_TOPIC_PREFIX = '';

  @Type(() => Number)
  @IsInt({ message: 'must be an integer between 0 and 600000' })
  @Min(0, { message: 'must be an integer between 0 and 600000' })
  @Max(600_000, { message: 'must be an integer between 0 and 600000' })
  SHUTDOWN_TIMEOUT_MS = 10_000;

  /** How long readiness reports 503 before HTTP stops accepting, so load balancers notice. */
  @Type(() => Number)
  @IsInt({ message: 'must be an integer between 0 and 60000' })
  @Min(0, { message: 'must be an integer between 0 and 60000' })
  @Max(60_000, { message: 'must be an integer between 0 and 60000' })
  SHUTDOWN_DRAIN_DELAY_MS = 0;

  /** Comma-separated allowed origins; `*` allows any; empty disables CORS. */
  @IsString()
  CORS_ORIGINS = '';

  @Type(() => Number)
  @IsInt({ message: 'must be an integer between 1024 and 104857600' })
  @Min(1024, { message: 'must be an integer between 1024 and 104857600' })
  @Max(104_857_600, { message: 'must be an integer between 1024 and 104857600' })
  HTTP_BODY_LIMIT_BYTES = 1_048_576;

  /** Services run behind the gateway or a load balancer, whose X-Forwarded-* headers they trust. */
  @Transform(toBoolean)
  @IsIn([true, false], { message: 'must be true or false' })
  TRUST_PROXY: boolean = true;

  /** Where OpenTelemetry spans go; `none` starts no tracing SDK at all. */
  @IsIn(TRACES_EXPORTERS, { message: `must be one of ${TRACES_EXPORTERS.join(', ')}` })
  OTEL_TRACES_EXPORTER: TracesExporter = 'none';

  /** Base URL of the OTLP/HTTP receiver; spans are posted to `<endpoint>/v1/traces`. */
  @Matches(/^https?:\/\/[^\s?#]+$/, { message: 'must be an http:// or https:// URL without query or fragment' })
  OTEL_EXPORTER_OTLP_ENDPOINT = 'http://127.0.0.1:4318';

  /** Unset means the service's own name. */
  @IsOptional()
  @Matches(SERVICE_NAME, { message: 'must be 1 to 128 letters, digits, ".", "_" or "-"' })
  OTEL_SERVICE_NAME?: string;

  /** Share of new traces recorded (0 to 1); a continued trace follows its caller's decision. */
  @Type(() => Number)
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'must be a number between 0 and 1' })
  @Min(0, { message: 'must be a number between 0 and 1' })
  @Max(1, { message: 'must be a number between 0 and 1' })
  OTEL_TRACES_SAMPLER_ARG = 1;
}
