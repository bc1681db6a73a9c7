import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { DiagLogLevel, diag } from '@opentelemetry/api';
import { type FastifyInstance } from 'fastify';
import { InjectConfig, type ServiceConfig } from '@fieldforce/platform';
import { OBSERVABILITY_OPTIONS, type ObservabilityOptions } from '../observability-options';
import { ShutdownRegistry } from '../shutdown/shutdown-registry';
import { traceHttpRequests } from './http-spans';
import { Tracing } from './tracing';

/**
 * Starts tracing when OTEL_TRACES_EXPORTER names an exporter (none: nothing is started), traces
 * the service's HTTP requests, and flushes the exporter at shutdown after the outbox has drained
 * (the relay's publishes are spans too).
 */
@Injectable()
export class TracingLifecycle implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Tracing');
  private tracing: Tracing | undefined;

  constructor(
    @InjectConfig() private readonly config: ServiceConfig,
    @Inject(OBSERVABILITY_OPTIONS) private readonly options: ObservabilityOptions,
    private readonly adapterHost: HttpAdapterHost,
    private readonly registry: ShutdownRegistry,
  ) {}

  onModuleInit(): void {
    const { tracing } = this.config;
    if (tracing.exporter === 'none') return;
    const started = Tracing.start(tracing, this.options.spanExporter);
    this.tracing = started;
    // The SDK reports failed exports (collector unreachable) through its diagnostic logger only.
    const log = this.logger;
    const ignore = (): void => undefined;
    diag.setLogger(
      {
        error: (message, ...args) => log.error({ details: args.map(String) }, `OpenTelemetry: ${message}`),
        warn: (message, ...args) => log.warn({ details: args.map(String) }, `OpenTelemetry: ${message}`),
        info: ignore,
        debug: ignore,
        verbose: ignore,
      },
      { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
    );
    traceHttpRequests(this.adapterHost.httpAdapter.getInstance<FastifyInstance>(), started);
    this.registry.register('close-connections', 'trace exporter', () => this.stop());
    const target = tracing.exporter === 'otlp' ? ` to ${tracing.otlpEndpoint}` : '';
    this.logger.log(`tracing as ${tracing.serviceName}: ${tracing.exporter}${target}, ratio ${tracing.samplerRatio}`);
  }

  // When shutdown skipped the registry's phases (or they timed out), spans are still flushed.
  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  private async stop(): Promise<void> {
    if (this.tracing === undefined) return;
    await this.tracing.shutdown();
    diag.disable();
  }
}
