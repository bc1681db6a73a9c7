export { KAFKA_HEALTH_CACHE_MS } from './health/health-defaults';
export { type LoggingOptions, REDACTED_PATHS, loggerParams } from './logging/logger-params';
export {
  HTTP_REQUEST_DURATION_SECONDS,
  UNMATCHED_ROUTE,
  setUpDefaultMetrics,
} from './metrics/http-metrics';
export { ObservabilityModule } from './observability.module';
export { type HealthOptions, type ObservabilityOptions, type ReadinessCheck } from './observability-options';
export {
  SHUTDOWN_PHASES,
  type ShutdownHook,
  type ShutdownPhase,
  ShutdownRegistry,
} from './shutdown/shutdown-registry';
export { TRACEPARENT_HEADER, TraceContext, type Traceparent, parseTraceparent } from './trace/trace-context';
export { outgoingTraceparent } from './tracing/http-spans';
export { type SpanKindName, type SpanOptions, TraceSpan, Tracing, activeTracing } from './tracing/tracing';
