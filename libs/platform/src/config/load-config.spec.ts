import { IsInt, Min } from 'class-validator';
import { Type } from 'class-transformer';
import { BaseServiceEnv } from './base-service-env';
import { ConfigError, loadConfig } from './load-config';
import { type ServiceConfig, toServiceConfig } from './service-config';

class SampleEnv extends BaseServiceEnv {
  override PORT = 3002;
  override DATABASE_URL = 'postgres://fieldforce_sample:fieldforce_sample@127.0.0.1:5432/fieldforce';

  @Type(() => Number)
  @IsInt({ message: 'must be a positive integer' })
  @Min(1, { message: 'must be a positive integer' })
  SAMPLE_IMPORT_BATCH = 500;
}

interface SampleConfig extends ServiceConfig {
  sample: { importBatch: number };
}

const toSampleConfig = (env: SampleEnv): SampleConfig => ({
  ...toServiceConfig('sample', env),
  sample: { importBatch: env.SAMPLE_IMPORT_BATCH },
});

function configError(source: Record<string, string>): ConfigError {
  try {
    loadConfig(SampleEnv, toSampleConfig, source);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe(loadConfig.name, () => {
  it('maps an empty environment to the defaults, including the service-supplied ones', () => {
    const config = loadConfig(SampleEnv, toSampleConfig, {});

    expect(config).toEqual({
      service: 'sample',
      environment: 'development',
      http: { host: '0.0.0.0', port: 3002, bodyLimitBytes: 1_048_576, trustProxy: true, corsOrigins: [] },
      log: { level: 'info' },
      database: { url: 'postgres://fieldforce_sample:fieldforce_sample@127.0.0.1:5432/fieldforce', poolSize: 10 },
      redis: { url: 'redis://127.0.0.1:6379', keyPrefix: '' },
      kafka: { brokers: ['127.0.0.1:9092'], usesDevBroker: true, clientId: 'sample', topicPrefix: '' },
      shutdown: { timeoutMs: 10_000, drainDelayMs: 0 },
      tracing: { exporter: 'none', otlpEndpoint: 'http://127.0.0.1:4318', serviceName: 'sample', samplerRatio: 1 },
      sample: { importBatch: 500 },
    });
  });

  it('converts and nests the values that are set', () => {
    const config = loadConfig(SampleEnv, toSampleConfig, {
      NODE_ENV: 'production',
      PORT: '8080',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      REDIS_URL: 'redis://cache:6380/2',
      REDIS_KEY_PREFIX: 'ff:',
      KAFKA_BROKERS: 'kafka-1:9092, kafka-2:9092',
      KAFKA_TOPIC_PREFIX: 'staging.',
      SHUTDOWN_TIMEOUT_MS: '2500',
      CORS_ORIGINS: 'https://a.example, https://b.example',
      TRUST_PROXY: 'false',
      SAMPLE_IMPORT_BATCH: '50',
    });

    expect(config.environment).toBe('production');
    expect(config.http).toEqual({
      host: '127.0.0.1',
      port: 8080,
      bodyLimitBytes: 1_048_576,
      trustProxy: false,
      corsOrigins: ['https://a.example', 'https://b.example'],
    });
    expect(config.log.level).toBe('warn');
    expect(config.redis).toEqual({ url: 'redis://cache:6380/2', keyPrefix: 'ff:' });
    expect(config.kafka).toEqual({
      brokers: ['kafka-1:9092', 'kafka-2:9092'],
      usesDevBroker: false,
      clientId: 'sample',
      topicPrefix: 'staging.',
    });
    expect(config.shutdown.timeoutMs).toBe(2500);
    expect(config.sample.importBatch).toBe(50);
  });

  it('treats an empty variable as unset', () => {
    const config = loadConfig(SampleEnv, toSampleConfig, { PORT: '', KAFKA_BROKERS: '' });

    expect(config.http.port).toBe(3002);
    expect(config.kafka.usesDevBroker).toBe(true);
  });

  it('names a bad variable, why it is bad and the value it got, in one line', () => {
    const error = configError({ PORT: 'abc' });

    expect(error.message).toBe('invalid configuration: PORT must be an integer between 1 and 65535 (got "abc")');
  });

  it('lists every bad variable in the same line, by name', () => {
    const error = configError({ PORT: '70000', LOG_LEVEL: 'loud', KAFKA_BROKERS: 'kafka', SAMPLE_IMPORT_BATCH: '0' });

    expect(error.message).not.toContain('\n');
    expect(error.problems).toEqual([
      'KAFKA_BROKERS must be a comma-separated list of host:port (got "kafka")',
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "loud")',
      'PORT must be an integer between 1 and 65535 (got "70000")',
      'SAMPLE_IMPORT_BATCH must be a positive integer (got "0")',
    ]);
  });

  it('reports a variable without a default that is unset as required', () => {
    const toBase = (env: BaseServiceEnv): ServiceConfig => toServiceConfig('base', env);

    expect(() => loadConfig(BaseServiceEnv, toBase, {})).toThrow(
      'invalid configuration: DATABASE_URL is required (unset); PORT is required (unset)',
    );
  });

  it('rejects a boolean it cannot read and a URL of the wrong scheme', () => {
    const error = configError({ TRUST_PROXY: 'maybe', DATABASE_URL: 'mysql://x', REDIS_URL: 'http://x' });

    expect(error.problems).toEqual([
      'DATABASE_URL must be a postgres:// URL (got "mysql://x")',
      'REDIS_URL must be a redis:// or rediss:// URL (got "http://x")',
      'TRUST_PROXY must be true or false (got "maybe")',
    ]);
  });

  it('reads the OpenTelemetry variables, the endpoint without a trailing slash', () => {
    const config = loadConfig(SampleEnv, toSampleConfig, {
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'https://collector.internal:4318/',
      OTEL_SERVICE_NAME: 'sample-eu',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
    });

    expect(config.tracing).toEqual({
      exporter: 'otlp',
      otlpEndpoint: 'https://collector.internal:4318',
      serviceName: 'sample-eu',
      samplerRatio: 0.25,
    });
  });

  it('rejects an unknown trace exporter, a ratio outside 0..1 and an endpoint that is not an http URL', () => {
    const error = configError({
      OTEL_TRACES_EXPORTER: 'jaeger',
      OTEL_TRACES_SAMPLER_ARG: '1.5',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'grpc://collector:4317',
      OTEL_SERVICE_NAME: 'sample service',
    });

    expect(error.problems).toEqual([
      'OTEL_EXPORTER_OTLP_ENDPOINT must be an http:// or https:// URL without query or fragment (got "grpc://collector:4317")',
      'OTEL_SERVICE_NAME must be 1 to 128 letters, digits, ".", "_" or "-" (got "sample service")',
      'OTEL_TRACES_EXPORTER must be one of none, otlp, console (got "jaeger")',
      'OTEL_TRACES_SAMPLER_ARG must be a number between 0 and 1 (got "1.5")',
    ]);
    expect(configError({ OTEL_TRACES_SAMPLER_ARG: 'half' }).problems).toEqual([
      'OTEL_TRACES_SAMPLER_ARG must be a number between 0 and 1 (got "half")',
    ]);
  });

  it('ignores variables the env class does not declare', () => {
    const config = loadConfig(SampleEnv, toSampleConfig, { PATH: '/usr/bin', constructor: 'x' });

    expect(config.http.port).toBe(3002);
  });
});
