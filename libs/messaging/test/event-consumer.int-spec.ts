import { randomUUID } from 'node:crypto';
import { createEvent, dlqTopic, type EventOf } from '@fieldforce/contracts';
import { type Producer } from 'kafkajs';
import { register } from 'prom-client';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { type EntityManager } from 'typeorm';
import { Tracing } from '@fieldforce/observability';
import { EventConsumer, type EventConsumerOptions } from '../src';
import {
  createMessagingTestEnv,
  CREATED,
  customerCreated,
  eventually,
  type MessagingTestEnv,
  type ReceivedRecord,
  recordTopic,
} from './support/messaging-test-env';

type CustomerCreated = EventOf<typeof CREATED>;

// Broker round trips and consumer-group joins: well above jest's 5 s default on a busy machine.
jest.setTimeout(60_000);

describe(EventConsumer.name, () => {
  let env: MessagingTestEnv;
  let producer: Producer;
  const consumers: EventConsumer[] = [];
  const observers: { stop(): Promise<void> }[] = [];

  beforeEach(async () => {
    env = await createMessagingTestEnv('consumer');
    await env.dataSource.query(`CREATE TABLE ${env.schema}.effect (
      seq bigserial PRIMARY KEY, customer_id uuid NOT NULL, version int NOT NULL, event_id uuid NOT NULL)`);
    producer = env.kafka.createProducer();
    await producer.connect();
  }, 30_000);

  afterEach(async () => {
    await Promise.all(consumers.splice(0).map((c) => c.stop()));
    await Promise.all(observers.splice(0).map((o) => o.stop()));
    await producer.disconnect();
    await env.close();
  }, 30_000);

  /** The effect every test handler applies: one row per processed event. */
  async function applyEffect(event: CustomerCreated, manager: EntityManager): Promise<void> {
    await manager.query(`INSERT INTO ${env.schema}.effect (customer_id, version, event_id) VALUES ($1, $2, $3)`, [
      event.subject,
      event.data.customer.version,
      event.id,
    ]);
  }

  async function start(handle: EventConsumerOptions['handlers'][typeof CREATED], options: Partial<EventConsumerOptions> = {}) {
    const { schema, dataSource, kafka, logger } = env;
    const consumer = new EventConsumer({
      service: 'visits',
      groupId: `visits.test-${randomUUID()}`,
      schema,
      dataSource,
      kafka,
      logger,
      handlers: { [CREATED]: handle },
      retry: { initialMs: 5, maxMs: 20 },
      ...options,
    });
    consumers.push(consumer);
    await consumer.start();
    return consumer;
  }

  function event(subject: string, version: number): CustomerCreated {
    const data = customerCreated(subject, version);
    return createEvent(CREATED, { subject, tenantId: data.customer.tenantId, data });
  }

  async function produce(key: string, value: string, headers: Record<string, string> = {}): Promise<void> {
    await producer.send({ topic: env.topic, acks: -1, messages: [{ key, value, headers }] });
  }

  /** Sends the events in one request, so the consumer fetches them as a backlog. */
  async function produceBacklog(events: readonly CustomerCreated[]): Promise<void> {
    await producer.send({ topic: env.topic, acks: -1, messages: events.map((e) => ({ key: e.subject, value: JSON.stringify(e) })) });
  }

  /** Inbox rows of the group per transaction: `processed_at` defaults to now(), the transaction's start. */
  async function eventsPerTransaction(groupId: string): Promise<number[]> {
    const rows = await env.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM ${env.schema}.inbox WHERE consumer_group = $1 GROUP BY processed_at ORDER BY processed_at`,
      [groupId],
    );
    return rows.map((r) => r.n);
  }

  async function effects(): Promise<{ customer_id: string; version: number; event_id: string }[]> {
    return env.dataSource.query(`SELECT customer_id, version, event_id FROM ${env.schema}.effect ORDER BY seq`);
  }

  async function hasEffectOf(eventId: string): Promise<boolean> {
    return (await effects()).some((e) => e.event_id === eventId);
  }

  async function observeDlq(): Promise<ReceivedRecord[]> {
    const observer = await recordTopic(env.kafka, [dlqTopic(env.topic)]);
    observers.push(observer);
    return observer.records;
  }

  it('applies an event delivered twice only once', async () => {
    const subject = randomUUID();
    const twice = event(subject, 1);
    const marker = event(subject, 2);
    await produce(subject, JSON.stringify(twice));
    await produce(subject, JSON.stringify(twice));
    // Same key, same partition: once the marker is applied, both copies were consumed.
    await produce(subject, JSON.stringify(marker));
    const consumer = await start(applyEffect);

    await eventually('the marker event was applied', () => hasEffectOf(marker.id));
    expect((await effects()).map((e) => e.event_id)).toEqual([twice.id, marker.id]);
    const inbox = await env.dataSource.query<{ event_id: string }[]>(
      `SELECT event_id FROM ${env.schema}.inbox WHERE consumer_group = $1 ORDER BY "offset"`,
      [consumer.groupId],
    );
    expect(inbox.map((r) => r.event_id)).toEqual([twice.id, marker.id]);
  });

  it('dead-letters an event whose handler keeps failing after the configured attempts, then goes on', async () => {
    const subject = randomUUID();
    const poison = event(subject, 1);
    const next = event(subject, 2);
    const dlq = await observeDlq();
    let poisonAttempts = 0;
    await start(
      async (received, manager) => {
        await applyEffect(received, manager);
        if (received.id === poison.id) {
          poisonAttempts += 1;
          throw new TypeError(`no visit template for grade ${received.data.customer.grade}`);
        }
      },
      { maxAttempts: 3 },
    );
    await produce(subject, JSON.stringify(poison), { traceparent: poison.traceparent });
    await produce(subject, JSON.stringify(next));

    await eventually('the next event was applied', () => hasEffectOf(next.id));
    await eventually('the poison event reached the dead-letter topic', () => dlq.length === 1);
    expect(poisonAttempts).toBe(3);
    // The failed attempts' writes were rolled back with their transactions.
    expect((await effects()).map((e) => e.event_id)).toEqual([next.id]);
    const [dead] = dlq;
    expect(dead?.key).toBe(subject);
    expect(JSON.parse(dead!.value)).toEqual(poison);
    expect(dead?.headers).toEqual({
      traceparent: poison.traceparent,
      'x-error': 'no visit template for grade A',
      'x-error-type': 'TypeError',
      'x-original-topic': env.topic,
      'x-original-partition': expect.stringMatching(/^\d+$/),
      'x-original-offset': expect.stringMatching(/^\d+$/),
      'x-attempts': '3',
      'x-consumer-group': consumers[0]?.groupId,
    });
  });

  it('dead-letters unparseable and invalid events at once and consumes the next', async () => {
    const subject = randomUUID();
    const invalid = event(subject, 1);
    invalid.data.customer.location = { lat: 91, lng: 0 };
    const next = event(subject, 2);
    const dlq = await observeDlq();
    let calls = 0;
    await start(async (received, manager) => {
      calls += 1;
      await applyEffect(received, manager);
    });
    await produce(subject, '{"specversion": "1.0", truncated');
    await produce(subject, JSON.stringify(invalid));
    await produce(subject, JSON.stringify(next));

    await eventually('the next event was applied', () => hasEffectOf(next.id));
    await eventually('both bad records reached the dead-letter topic', () => dlq.length === 2);
    expect(calls).toBe(1);
    expect(dlq.map((r) => [r.headers['x-error-type'], r.headers['x-attempts']])).toEqual([
      ['EventParseError', '1'],
      ['EventValidationError', '1'],
    ]);
    expect(dlq[1]?.headers['x-error']).toMatch(/data\.customer\.location\.lat: Expected number to be less or equal to 90/);
  });

  it('retries when the database fails outside the handler, without dead-lettering', async () => {
    const subject = randomUUID();
    const first = event(subject, 1);
    const dlq = await observeDlq();
    // The inbox insert fails until the table is back: an outage, not a poison event.
    await env.dataSource.query(`ALTER TABLE ${env.schema}.inbox RENAME TO inbox_away`);
    await start(applyEffect, { maxAttempts: 2 });
    await produce(subject, JSON.stringify(first));
    const retries = () => env.logger.lines.filter((l) => l.message === 'Event processing failed; retrying').length;
    await eventually('the consumer retried', () => retries() >= 3);
    await env.dataSource.query(`ALTER TABLE ${env.schema}.inbox_away RENAME TO inbox`);

    await eventually('the event was applied', () => hasEffectOf(first.id));
    expect(dlq).toEqual([]);
  });

  it('skips event types it has no handler for and reports its lag', async () => {
    const subject = randomUUID();
    const first = event(subject, 1);
    const consumer = await start(applyEffect);
    const foreign = { ...event(subject, 2), type: 'fieldforce.customers.customer.merged.v7' };
    await produce(subject, JSON.stringify(foreign));
    await produce(subject, JSON.stringify(first));

    await eventually('the handled event was applied', () => hasEffectOf(first.id));
    expect((await effects()).map((e) => e.event_id)).toEqual([first.id]);
    const lag = (await register.getSingleMetric('fieldforce_consumer_lag')?.get())?.values.filter(
      (v) => v.labels.group === consumer.groupId,
    );
    expect(lag?.map((v) => [v.labels.topic, v.value])).toEqual([[env.topic, 0]]);
  });

  it('applies a backlog in a transaction per chunk of events, each event once and in order', async () => {
    const subject = randomUUID();
    const backlog = Array.from({ length: 120 }, (_, i) => event(subject, i + 1));
    await produceBacklog(backlog);
    const consumer = await start(applyEffect, { eventsPerTransaction: 50 });

    await eventually('the backlog was applied', () => hasEffectOf(backlog.at(-1)!.id));
    expect((await effects()).map((e) => e.version)).toEqual(backlog.map((e) => e.data.customer.version));
    const transactions = await eventsPerTransaction(consumer.groupId);
    expect(transactions.reduce((sum, n) => sum + n, 0)).toBe(120);
    expect(Math.max(...transactions)).toBeLessThanOrEqual(50);
    // One transaction per event would be 120; fetches may split the backlog, chunks do the rest.
    expect(transactions.length).toBeLessThan(30);
  });

  it('applies the events before a failing one together again, retries that one alone and goes on after it', async () => {
    const subject = randomUUID();
    const backlog = Array.from({ length: 30 }, (_, i) => event(subject, i + 1));
    const poison = backlog[9]!;
    const dlq = await observeDlq();
    let poisonAttempts = 0;
    await produceBacklog(backlog);
    const consumer = await start(
      async (received, manager) => {
        await applyEffect(received, manager);
        if (received.id === poison.id) {
          poisonAttempts += 1;
          throw new TypeError('no visit template for this grade');
        }
      },
      { maxAttempts: 3 },
    );

    await eventually('the backlog was applied', () => hasEffectOf(backlog.at(-1)!.id));
    await eventually('the poison event reached the dead-letter topic', async () => dlq.length === 1);
    // Its attempt in the chunk counts: three in all, as for an event consumed alone.
    expect(poisonAttempts).toBe(3);
    expect(dlq[0]?.headers['x-attempts']).toBe('3');
    expect((await effects()).map((e) => e.event_id)).toEqual(backlog.filter((e) => e !== poison).map((e) => e.id));
    expect((await eventsPerTransaction(consumer.groupId)).reduce((sum, n) => sum + n, 0)).toBe(29);
  });

  it('applies a chunk whose commit fails again from its first event, each event once', async () => {
    const subject = randomUUID();
    const backlog = Array.from({ length: 10 }, (_, i) => event(subject, i + 1));
    const orphan = backlog[4]!;
    // A deferred foreign key fails at commit: the orphan's effect cannot commit until its parent exists.
    await env.dataSource.query(`CREATE TABLE ${env.schema}.parent (event_id uuid PRIMARY KEY)`);
    await env.dataSource.query(`CREATE TABLE ${env.schema}.child (
      event_id uuid NOT NULL REFERENCES ${env.schema}.parent DEFERRABLE INITIALLY DEFERRED)`);
    await env.dataSource.query(`INSERT INTO ${env.schema}.parent SELECT unnest($1::uuid[])`, [
      backlog.filter((e) => e !== orphan).map((e) => e.id),
    ]);
    await produceBacklog(backlog);
    await start(async (received, manager) => {
      await applyEffect(received, manager);
      await manager.query(`INSERT INTO ${env.schema}.child VALUES ($1)`, [received.id]);
    });
    const chunkFailures = () => env.logger.lines.filter((l) => l.message.startsWith('Event chunk failed')).length;
    await eventually('a chunk failed at its commit', async () => chunkFailures() > 0);
    await eventually('the events before the orphan were applied', () => hasEffectOf(backlog[3]!.id));
    expect(await hasEffectOf(orphan.id)).toBe(false);

    await env.dataSource.query(`INSERT INTO ${env.schema}.parent VALUES ($1)`, [orphan.id]);
    await eventually('the backlog was applied', () => hasEffectOf(backlog.at(-1)!.id));
    expect((await effects()).map((e) => e.event_id)).toEqual(backlog.map((e) => e.id));
  });

  it("gives each event of a chunk its processing span: the failing event's error, the others rolled back, then their outcomes", async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = Tracing.start({ exporter: 'console', otlpEndpoint: 'http://127.0.0.1:4318', serviceName: 'visits', samplerRatio: 1 }, exporter);
    try {
      const subject = randomUUID();
      const backlog = Array.from({ length: 5 }, (_, i) => event(subject, i + 1));
      const failing = backlog[2]!;
      let failed = false;
      await produceBacklog(backlog);
      await start(async (received, manager) => {
        await applyEffect(received, manager);
        if (received.id === failing.id && !failed) {
          failed = true;
          throw new Error('read model briefly unavailable');
        }
      });

      await eventually('the backlog was applied', () => hasEffectOf(backlog.at(-1)!.id));
      const spansOf = (id: string) =>
        exporter
          .getFinishedSpans()
          .filter((span) => span.kind === SpanKind.CONSUMER && span.attributes['messaging.message.id'] === id)
          .map((span) => [span.status.message ?? null, span.attributes['fieldforce.consumer.outcome'] ?? null]);
      // Before the failure: rolled back with the chunk, then applied again with the event before it.
      expect(spansOf(backlog[0]!.id)).toEqual([
        ['Rolled back with its chunk', null],
        [null, 'processed'],
      ]);
      expect(spansOf(failing.id)).toEqual([
        ['read model briefly unavailable', null],
        [null, 'processed'],
      ]);
      // After it: never attempted in the failed chunk.
      expect(spansOf(backlog[4]!.id)).toEqual([[null, 'processed']]);
    } finally {
      await tracing.shutdown();
    }
  });
});
