import { randomUUID } from 'node:crypto';
import { Controller, type DynamicModule, Injectable, Module, type OnModuleInit, Param, Post } from '@nestjs/common';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { ObservabilityModule, TraceContext, activeTracing, parseTraceparent } from '@fieldforce/observability';
import { BaseServiceEnv, createServiceApp, loadConfig, toServiceConfig } from '@fieldforce/platform';
import { testKafka } from '@fieldforce/testing';
import { DataSource } from 'typeorm';
import { EventSubscriptions, MessagingModule, OutboxPublisher } from '../src';
import {
  createMessagingTestEnv,
  CREATED,
  customerCreated,
  eventually,
  type MessagingTestEnv,
  recordTopic,
} from './support/messaging-test-env';

// Broker round trips and consumer-group joins: well above jest's 5 s default on a busy machine.
jest.setTimeout(90_000);

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN_ID = '00f067aa0ba902b7';
const TRACEPARENT = `00-${TRACE_ID}-${CALLER_SPAN_ID}-01`;

class TracedEnv extends BaseServiceEnv {
  override PORT = 3997;
}

interface Created {
  eventId: string;
  traceparent: string;
}

describe('Tracing through the outbox and Kafka', () => {
  let env: MessagingTestEnv;
  /** The trace context each handled event ran in, by aggregate id. */
  const handled = new Map<string, TraceContext | undefined>();
  /** Aggregate ids whose first handling fails. */
  const failOnce = new Set<string>();

  beforeAll(async () => {
    env = await createMessagingTestEnv('tracing');
  }, 30_000);

  afterAll(async () => {
    await env.close();
  }, 30_000);

  /** A customers-like service: a route that publishes through the outbox, and a consumer of that event. */
  async function createApp(variables: Record<string, string>, spanExporter: InMemorySpanExporter): Promise<NestFastifyApplication> {
    const { schema, dataSource } = env;
    const config = loadConfig(TracedEnv, (parsed) => toServiceConfig('customers', parsed), {
      DATABASE_URL: env.databaseUrl,
      KAFKA_BROKERS: testKafka().brokers.join(','),
      LOG_LEVEL: 'silent',
      ...variables,
    });

    @Controller('customers')
    class CustomerController {
      constructor(private readonly outbox: OutboxPublisher) {}

      @Post(':id')
      async create(@Param('id') id: string): Promise<Created> {
        const event = await dataSource.transaction((manager) => {
          const data = customerCreated(id, 1);
          return this.outbox.publish(manager, CREATED, { subject: id, tenantId: data.customer.tenantId, data });
        });
        return { eventId: event.id, traceparent: event.traceparent };
      }
    }

    @Injectable()
    class CustomerCopy implements OnModuleInit {
      constructor(private readonly subscriptions: EventSubscriptions) {}

      onModuleInit(): void {
        this.subscriptions.subscribe(`customer-copy-${randomUUID()}`, {
          [CREATED]: async (event) => {
            if (failOnce.delete(event.subject)) throw new Error('read model briefly unavailable');
            handled.set(event.subject, TraceContext.current());
          },
        });
      }
    }

    @Module({})
    class DataSourceModule {
      static register(): DynamicModule {
        const provider = { provide: DataSource, useValue: dataSource };
        return { module: DataSourceModule, global: true, providers: [provider], exports: [DataSource] };
      }
    }

    @Module({
      imports: [
        DataSourceModule.register(),
        ObservabilityModule.forService({ service: 'customers', spanExporter }),
        MessagingModule.forService({
          service: 'customers',
          schema,
          kafka: env.kafka.settings,
          logger: env.logger,
          topics: { provision: false },
          relay: { pollIntervalMs: 200 },
          consumers: { maxWaitTimeMs: 200, retry: { initialMs: 50, maxMs: 50 } },
        }),
      ],
      controllers: [CustomerController],
      providers: [CustomerCopy],
    })
    class TracedCustomersModule {}

    return createServiceApp(TracedCustomersModule, config, { openApi: { title: 'Traced', version: '1.0.0' } });
  }

  async function createCustomer(app: NestFastifyApplication, id: string): Promise<Created> {
    const response = await app.inject({
      method: 'POST',
      url: `/customers/${id}`,
      headers: { traceparent: TRACEPARENT, 'x-request-id': `req-${id}` },
    });
    expect(response.statusCode).toBe(201);
    return response.json<Created>();
  }

  describe('with an exporter', () => {
    it('follows one trace: request span → outbox row → publish span → processing span', async () => {
      const exporter = new InMemorySpanExporter();
      const app = await createApp({ OTEL_TRACES_EXPORTER: 'console' }, exporter);
      const records = await recordTopic(env.kafka, [env.topic]);
      try {
        const id = randomUUID();
        const created = await createCustomer(app, id);

        const withEvent = (kind: SpanKind) => (span: ReadableSpan) =>
          span.kind === kind && span.attributes['messaging.message.id'] === created.eventId;
        await eventually('the processing span ended', () => exporter.getFinishedSpans().some(withEvent(SpanKind.CONSUMER)));
        const spans = exporter.getFinishedSpans();
        const server = spans.find((span) => span.kind === SpanKind.SERVER && span.name === 'POST /customers/:id');
        const publish = spans.find(withEvent(SpanKind.PRODUCER));
        const processing = spans.find(withEvent(SpanKind.CONSUMER));

        // The request's span continues the caller's trace and is the event's creation context.
        expect(server?.spanContext().traceId).toBe(TRACE_ID);
        expect(server?.parentSpanContext?.spanId).toBe(CALLER_SPAN_ID);
        expect(created.traceparent).toBe(`00-${TRACE_ID}-${server?.spanContext().spanId}-01`);
        const [row] = await env.dataSource.query<{ headers: Record<string, string> }[]>(
          `SELECT headers FROM ${env.schema}.outbox WHERE event_id = $1`,
          [created.eventId],
        );
        expect(row?.headers.traceparent).toBe(created.traceparent);

        // The relay's publish span is a child of the span stored with the row, and the record names it.
        expect(publish?.spanContext().traceId).toBe(TRACE_ID);
        expect(publish?.parentSpanContext?.spanId).toBe(server?.spanContext().spanId);
        expect(publish).toMatchObject({
          name: `send ${env.topic}`,
          attributes: { 'messaging.system': 'kafka', 'messaging.destination.name': env.topic, 'messaging.kafka.message.key': id },
        });
        await eventually('the observer received the record', () => records.records.some((record) => record.key === id));
        const record = records.records.find((candidate) => candidate.key === id);
        expect(record?.headers.traceparent).toBe(`00-${TRACE_ID}-${publish?.spanContext().spanId}-01`);
        expect(JSON.parse(record?.value ?? '{}')).toMatchObject({ traceparent: created.traceparent });

        // The consumer processes under the publish span, and its handler runs in the processing span's context.
        expect(processing?.spanContext().traceId).toBe(TRACE_ID);
        expect(processing?.parentSpanContext?.spanId).toBe(publish?.spanContext().spanId);
        expect(processing).toMatchObject({
          name: `process ${env.topic}`,
          attributes: { 'cloudevents.event_type': CREATED, 'fieldforce.consumer.outcome': 'processed' },
        });
        expect(handled.get(id)).toMatchObject({
          traceId: TRACE_ID,
          spanId: processing?.spanContext().spanId,
          correlationId: `req-${id}`,
          causationId: created.eventId,
        });
      } finally {
        await records.stop();
        await app.close();
      }
      expect(activeTracing()).toBeUndefined();
    });
  });

  describe('with an exporter and a failing handler', () => {
    it('records the failed attempt as a failed processing span and the retry as another, both under the publish span', async () => {
      const exporter = new InMemorySpanExporter();
      const app = await createApp({ OTEL_TRACES_EXPORTER: 'console' }, exporter);
      try {
        const id = randomUUID();
        failOnce.add(id);
        const created = await createCustomer(app, id);

        const processing = () =>
          exporter
            .getFinishedSpans()
            .filter((span) => span.kind === SpanKind.CONSUMER && span.attributes['messaging.message.id'] === created.eventId);
        await eventually('the retry was processed', () => processing().length === 2);
        const publish = exporter
          .getFinishedSpans()
          .find((span) => span.kind === SpanKind.PRODUCER && span.attributes['messaging.message.id'] === created.eventId);
        const [failed, retried] = processing();
        expect(failed?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'read model briefly unavailable' });
        expect(failed?.attributes['fieldforce.consumer.outcome']).toBeUndefined();
        expect(retried?.status.code).toBe(SpanStatusCode.UNSET);
        expect(retried?.attributes['fieldforce.consumer.outcome']).toBe('processed');
        expect([failed?.parentSpanContext?.spanId, retried?.parentSpanContext?.spanId]).toEqual([
          publish?.spanContext().spanId,
          publish?.spanContext().spanId,
        ]);
        expect(failed?.spanContext().spanId).not.toBe(retried?.spanContext().spanId);
        expect(handled.get(id)?.spanId).toBe(retried?.spanContext().spanId);
      } finally {
        await app.close();
      }
    });
  });

  describe('with the exporter none', () => {
    it('records no span, and the handler continues the trace the event was created in', async () => {
      const exporter = new InMemorySpanExporter();
      const app = await createApp({}, exporter);
      try {
        const id = randomUUID();
        const created = await createCustomer(app, id);
        await eventually('the handler ran', () => handled.has(id));

        expect(activeTracing()).toBeUndefined();
        expect(handled.get(id)).toMatchObject({
          traceId: TRACE_ID,
          parentSpanId: parseTraceparent(created.traceparent)?.parentSpanId,
          causationId: created.eventId,
        });
        expect(exporter.getFinishedSpans()).toEqual([]);
      } finally {
        await app.close();
      }
    });
  });
});
