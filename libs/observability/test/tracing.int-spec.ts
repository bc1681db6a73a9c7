import { Controller, Get, Module, Param, Req } from '@nestjs/common';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { type FastifyRequest } from 'fastify';
import { createServiceApp } from '@fieldforce/platform';
import { OtlpCollector } from '@fieldforce/testing';
import { ObservabilityModule, TraceContext, activeTracing, outgoingTraceparent, parseTraceparent } from '../src';
import { sampleConfig } from './sample-app';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT_SPAN_ID = '00f067aa0ba902b7';
const TRACEPARENT = `00-${TRACE_ID}-${CLIENT_SPAN_ID}-01`;
const OPEN_API = { openApi: { title: 'Sample', version: '1.0.0' } };

interface CallAnswer {
  /** What the handler would send on an upstream call. */
  upstream: string;
  /** The request's own trace context. */
  current: string | undefined;
}

@Controller('calls')
class CallController {
  @Get('broken/now')
  broken(): never {
    throw new Error('connect ECONNREFUSED 10.0.0.7:5432');
  }

  @Get(':id')
  call(@Param('id') id: string, @Req() request: FastifyRequest): CallAnswer {
    return {
      upstream: outgoingTraceparent(request.raw, `upstream-${id}`),
      current: TraceContext.current()?.traceparent,
    };
  }
}

async function createApp(variables: Record<string, string>, spanExporter?: SpanExporter): Promise<NestFastifyApplication> {
  const config = sampleConfig({ LOG_LEVEL: 'silent', ...variables });
  @Module({
    imports: [ObservabilityModule.forService({ service: 'sample', spanExporter })],
    controllers: [CallController],
  })
  class TracedSampleModule {}
  return createServiceApp(TracedSampleModule, config, OPEN_API);
}

describe('Tracing of HTTP requests', () => {
  describe('with an exporter', () => {
    let app: NestFastifyApplication;
    const exporter = new InMemorySpanExporter();

    beforeAll(async () => {
      app = await createApp({ OTEL_TRACES_EXPORTER: 'console' }, exporter);
    });

    afterAll(async () => {
      await app.close();
    });

    beforeEach(() => exporter.reset());

    it('exports a server span per request with the ids of its trace context, and a client span for its call', async () => {
      const response = await app.inject({ method: 'GET', url: '/calls/c-1?verbose=1', headers: { traceparent: TRACEPARENT } });

      const answer = response.json<CallAnswer>();
      const request = parseTraceparent(answer.current);
      const upstream = parseTraceparent(answer.upstream);
      const server = exporter.getFinishedSpans().find((span) => span.kind === SpanKind.SERVER);
      const client = exporter.getFinishedSpans().find((span) => span.kind === SpanKind.CLIENT);
      expect(exporter.getFinishedSpans()).toHaveLength(2);
      expect(server?.spanContext()).toMatchObject({ traceId: TRACE_ID, spanId: request?.parentSpanId });
      expect(server?.parentSpanContext?.spanId).toBe(CLIENT_SPAN_ID);
      expect(server).toMatchObject({
        name: 'GET /calls/:id',
        attributes: {
          'http.request.method': 'GET',
          'http.route': '/calls/:id',
          'url.path': '/calls/c-1',
          'http.response.status_code': 200,
        },
        status: { code: SpanStatusCode.UNSET },
      });
      expect(server?.resource.attributes['service.name']).toBe('sample');
      expect(client?.spanContext()).toMatchObject({ traceId: TRACE_ID, spanId: upstream?.parentSpanId });
      expect(client?.parentSpanContext?.spanId).toBe(server?.spanContext().spanId);
      expect(client).toMatchObject({ name: 'GET upstream-c-1', attributes: { 'http.request.method': 'GET', 'peer.service': 'upstream-c-1' } });
    });

    it('starts a trace for a request without traceparent, and marks a 5xx answer as an error', async () => {
      const response = await app.inject({ method: 'GET', url: '/calls/broken/now' });

      expect(response.statusCode).toBe(500);
      const [server, ...others] = exporter.getFinishedSpans();
      expect(others).toEqual([]);
      expect(server?.parentSpanContext).toBeUndefined();
      expect(server).toMatchObject({
        name: 'GET /calls/broken/now',
        attributes: { 'http.response.status_code': 500, 'error.type': '500' },
        status: { code: SpanStatusCode.ERROR },
      });
    });

    it('names a request no route matched by its method only', async () => {
      await app.inject({ method: 'GET', url: '/nowhere/at/all' });

      expect(exporter.getFinishedSpans().map((span) => [span.name, span.attributes['http.response.status_code']])).toEqual([
        ['GET', 404],
      ]);
    });
  });

  describe('with the exporter none', () => {
    it('starts no tracing and records nothing, while the trace context works as before', async () => {
      const exporter = new InMemorySpanExporter();
      const app = await createApp({}, exporter);
      try {
        const response = await app.inject({ method: 'GET', url: '/calls/c-2', headers: { traceparent: TRACEPARENT } });

        const answer = response.json<CallAnswer>();
        expect(activeTracing()).toBeUndefined();
        expect(parseTraceparent(answer.current)).toMatchObject({ traceId: TRACE_ID });
        // No client span: the call carries the request's own span.
        expect(answer.upstream).toBe(answer.current);
        expect(exporter.getFinishedSpans()).toEqual([]);
      } finally {
        await app.close();
      }
    });
  });

  describe('with the OTLP exporter', () => {
    let collector: OtlpCollector;

    beforeAll(async () => {
      collector = await OtlpCollector.start();
    });

    afterAll(async () => {
      await collector.close();
    });

    it('posts the spans to <endpoint>/v1/traces with the service name, at the latest when the service shuts down', async () => {
      const app = await createApp({
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_ENDPOINT: `${collector.endpoint}/`,
        OTEL_SERVICE_NAME: 'sample-traced',
      });
      await app.inject({ method: 'GET', url: '/calls/c-3', headers: { traceparent: TRACEPARENT } });
      expect(collector.requests).toEqual([]);

      await app.close();

      expect(collector.requests.map(({ method, path }) => `${method} ${path}`)).toEqual(['POST /v1/traces']);
      expect(collector.requests[0]?.headers['content-type']).toBe('application/json');
      const spans = collector.spans();
      expect(spans.map((span) => span.name).sort()).toEqual(['GET /calls/:id', 'GET upstream-c-3']);
      expect(spans.every((span) => span.serviceName === 'sample-traced' && span.traceId === TRACE_ID)).toBe(true);
      expect(spans.find((span) => span.name === 'GET /calls/:id')?.parentSpanId).toBe(CLIENT_SPAN_ID);
      expect(activeTracing()).toBeUndefined();
    });
  });
});
