import { randomBytes } from 'node:crypto';
import {
  type Attributes,
  type AttributeValue,
  diag,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  ConsoleSpanExporter,
  type IdGenerator,
  ParentBasedSampler,
  type Sampler,
  SamplingDecision,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base';
import { type TracingConfig } from '@fieldforce/platform';
import { type TraceContext, decideNewTraces } from '../trace/trace-context';

export type SpanKindName = 'server' | 'client' | 'producer' | 'consumer' | 'internal';

const SPAN_KINDS: Record<SpanKindName, SpanKind> = {
  server: SpanKind.SERVER,
  client: SpanKind.CLIENT,
  producer: SpanKind.PRODUCER,
  consumer: SpanKind.CONSUMER,
  internal: SpanKind.INTERNAL,
};

export interface SpanOptions {
  kind: SpanKindName;
  attributes?: Attributes;
}

/** A span being recorded (or, for an unsampled trace, only propagated); end it exactly once. */
export class TraceSpan {
  constructor(private readonly span: Span) {}

  setAttribute(name: string, value: AttributeValue): this {
    this.span.setAttribute(name, value);
    return this;
  }

  rename(name: string): this {
    this.span.updateName(name);
    return this;
  }

  /** Marks the span failed with `error`. */
  fail(error: unknown): this {
    const message = error instanceof Error ? error.message : String(error);
    this.span.recordException(error instanceof Error ? error : message);
    this.span.setStatus({ code: SpanStatusCode.ERROR, message });
    return this;
  }

  end(): void {
    this.span.end();
  }
}

// The SDK asks for ids while starting a span; it gets those of the TraceContext being started, so
// the exported span ids are the ids already in logs, traceparent headers and outbox rows.
class TraceContextIds implements IdGenerator {
  private next: TraceContext | undefined;

  generateTraceId(): string {
    return this.next?.traceId ?? randomBytes(16).toString('hex');
  }

  generateSpanId(): string {
    return this.next?.spanId ?? randomBytes(8).toString('hex');
  }

  // Span creation is synchronous, so nothing else can start a span in between.
  startWith<T>(context: TraceContext, start: () => T): T {
    this.next = context;
    try {
      return start();
    } finally {
      this.next = undefined;
    }
  }
}

/** The tracing of this process while it runs (one provider per process, like the logger). */
let active: Tracing | undefined;

/** The running tracing, or undefined when tracing is off; callers do no tracing work then. */
export function activeTracing(): Tracing | undefined {
  return active;
}

function exporterFor(config: TracingConfig): SpanExporter {
  switch (config.exporter) {
    case 'otlp':
      return new OTLPTraceExporter({ url: `${config.otlpEndpoint}/v1/traces` });
    case 'console':
      return new ConsoleSpanExporter();
    case 'none':
      throw new Error('Tracing is off: the exporter is none');
    default: {
      const unknown: never = config.exporter;
      throw new Error(`Unknown trace exporter ${String(unknown)}`);
    }
  }
}

/**
 * OpenTelemetry spans for the units of work that already carry a `TraceContext` (requests,
 * outgoing calls, publishes, consumed events), exported by the configured exporter.
 */
export class Tracing {
  private readonly tracer: Tracer;
  private stopped: Promise<void> | undefined;

  private constructor(
    readonly serviceName: string,
    private readonly provider: BasicTracerProvider,
    sampler: Sampler,
    private readonly ids: TraceContextIds,
  ) {
    this.tracer = provider.getTracer('@fieldforce/observability');
    decideNewTraces(
      (traceId) =>
        sampler.shouldSample(ROOT_CONTEXT, traceId, 'new trace', SpanKind.INTERNAL, {}, []).decision ===
        SamplingDecision.RECORD_AND_SAMPLED,
    );
  }

  /**
   * Starts the process's tracing with the exporter the config names (`exporter` replaces it:
   * tests pass an in-memory one). Spans of new traces are kept at `samplerRatio`; a continued
   * trace follows the sampled flag of its `traceparent`.
   */
  static start(config: TracingConfig, exporter?: SpanExporter): Tracing {
    if (active !== undefined) throw new Error(`Tracing already runs in this process (for ${active.serviceName})`);
    const spanExporter = exporter ?? exporterFor(config);
    // Test exporters and the console see each span at once; a collector gets batches off the hot path.
    const processor: SpanProcessor =
      exporter !== undefined || config.exporter === 'console'
        ? new SimpleSpanProcessor(spanExporter)
        : new BatchSpanProcessor(spanExporter);
    const sampler = new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(config.samplerRatio) });
    const ids = new TraceContextIds();
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': config.serviceName }),
      sampler,
      idGenerator: ids,
      spanProcessors: [processor],
    });
    active = new Tracing(config.serviceName, provider, sampler, ids);
    return active;
  }

  /**
   * Starts the span of `context`: its trace and span ids, as a child of the span its
   * `parentSpanId` names (a root span when it has none).
   */
  startSpan(context: TraceContext, name: string, options: SpanOptions): TraceSpan {
    const parent =
      context.parentSpanId === undefined
        ? ROOT_CONTEXT
        : trace.setSpanContext(ROOT_CONTEXT, {
            traceId: context.traceId,
            spanId: context.parentSpanId,
            traceFlags: context.sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
            isRemote: true,
          });
    const span = this.ids.startWith(context, () =>
      this.tracer.startSpan(name, { kind: SPAN_KINDS[options.kind], attributes: options.attributes }, parent),
    );
    return new TraceSpan(span);
  }

  /** Exports the spans still buffered and stops; tracing is off afterwards. Never rejects; safe to call twice. */
  shutdown(): Promise<void> {
    if (this.stopped === undefined) {
      if (active === this) {
        active = undefined;
        decideNewTraces(undefined);
      }
      // A collector that does not answer must not fail the service's shutdown: reported, then dropped.
      this.stopped = this.provider.shutdown().catch((error: unknown) => diag.error('the last spans were not exported', String(error)));
    }
    return this.stopped;
  }
}
