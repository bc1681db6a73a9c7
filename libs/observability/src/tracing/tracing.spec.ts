import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { type TracingConfig } from '@fieldforce/platform';
import { TraceContext } from '../trace/trace-context';
import { Tracing, activeTracing } from './tracing';

const INCOMING = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

function config(overrides: Partial<TracingConfig> = {}): TracingConfig {
  return { exporter: 'otlp', otlpEndpoint: 'http://127.0.0.1:4318', serviceName: 'sample', samplerRatio: 1, ...overrides };
}

describe(Tracing.name, () => {
  // A shut-down in-memory exporter keeps nothing: a fresh one per test.
  let exporter: InMemorySpanExporter;
  let tracing: Tracing | undefined;

  beforeEach(() => {
    exporter = new InMemorySpanExporter();
  });

  function start(overrides: Partial<TracingConfig> = {}): Tracing {
    tracing = Tracing.start(config(overrides), exporter);
    return tracing;
  }

  afterEach(async () => {
    await tracing?.shutdown();
    tracing = undefined;
  });

  it('exports a span with the ids of its trace context, as a child of the incoming span', () => {
    const context = TraceContext.continueFrom(INCOMING);

    start().startSpan(context, 'GET /visits/:id', { kind: 'server', attributes: { 'http.route': '/visits/:id' } }).end();

    const [span, ...others] = exporter.getFinishedSpans();
    expect(others).toEqual([]);
    expect(span?.spanContext()).toMatchObject({ traceId: context.traceId, spanId: context.spanId });
    expect(span?.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    expect(span).toMatchObject({ name: 'GET /visits/:id', kind: SpanKind.SERVER, attributes: { 'http.route': '/visits/:id' } });
    expect(span?.resource.attributes['service.name']).toBe('sample');
  });

  it('makes a context without parent a root span of its own trace id', () => {
    const context = TraceContext.start();

    start().startSpan(context, 'relay', { kind: 'producer' }).end();

    const [span] = exporter.getFinishedSpans();
    expect(span?.spanContext()).toMatchObject({ traceId: context.traceId, spanId: context.spanId });
    expect(span?.parentSpanContext).toBeUndefined();
  });

  it('chains a child context under its parent span', () => {
    const running = start();
    const request = TraceContext.continueFrom(INCOMING).causedBy('req-1', 'req-1');
    const call = request.child();

    running.startSpan(call, 'GET upstream', { kind: 'client' }).end();

    expect(call).toMatchObject({ traceId: request.traceId, parentSpanId: request.spanId, correlationId: 'req-1' });
    expect(exporter.getFinishedSpans()[0]?.parentSpanContext?.spanId).toBe(request.spanId);
  });

  it('records a failure as an error status with the exception', () => {
    start().startSpan(TraceContext.start(), 'process', { kind: 'consumer' }).fail(new Error('broker gone')).end();

    const [span] = exporter.getFinishedSpans();
    expect(span?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'broker gone' });
    expect(span?.events.map((event) => event.name)).toEqual(['exception']);
  });

  it('records nothing under a traceparent that is not sampled', () => {
    start().startSpan(TraceContext.continueFrom(INCOMING.replace(/-01$/, '-00')), 'GET /', { kind: 'server' }).end();

    expect(exporter.getFinishedSpans()).toEqual([]);
  });

  it('samples new traces at the ratio, and says so in their traceparent', () => {
    start({ samplerRatio: 0 });
    const unsampled = TraceContext.start();
    tracing?.startSpan(unsampled, 'GET /', { kind: 'server' }).end();

    expect(unsampled.sampled).toBe(false);
    expect(unsampled.traceparent).toMatch(/-00$/);
    expect(exporter.getFinishedSpans()).toEqual([]);
  });

  it('keeps about the ratio of new traces', () => {
    start({ samplerRatio: 0.25 });

    const sampled = Array.from({ length: 2_000 }, () => TraceContext.start()).filter((context) => context.sampled).length;

    expect(sampled).toBeGreaterThan(400);
    expect(sampled).toBeLessThan(600);
  });

  it('is active until shut down; afterwards new traces are sampled as without tracing', async () => {
    const running = start({ samplerRatio: 0 });
    expect(activeTracing()).toBe(running);
    expect(() => Tracing.start(config(), exporter)).toThrow('Tracing already runs in this process (for sample)');

    await running.shutdown();
    await running.shutdown();

    expect(activeTracing()).toBeUndefined();
    expect(TraceContext.start().sampled).toBe(true);
  });

  it('writes each span to the console with the console exporter', async () => {
    const dir = jest.spyOn(console, 'dir').mockImplementation(() => undefined);
    try {
      tracing = Tracing.start(config({ exporter: 'console' }));
      const context = TraceContext.continueFrom(INCOMING);
      tracing.startSpan(context, 'GET /visits/:id', { kind: 'server' }).end();
      await tracing.shutdown();

      expect(dir).toHaveBeenCalledWith(
        expect.objectContaining({ traceId: context.traceId, id: context.spanId, name: 'GET /visits/:id' }),
        { depth: 3 },
      );
    } finally {
      dir.mockRestore();
    }
  });
});
