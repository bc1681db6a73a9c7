import { randomUUID } from 'node:crypto';
import { createEvent, dlqTopic, type EventOf } from '@fieldforce/contracts';
import { type Producer } from 'kafkajs';
import { type EntityManager } from 'typeorm';
import { EventConsumer, replayDeadLetters, type ReplayedRecord } from '../src';
import { createMessagingTestEnv, CREATED, customerCreated, eventually, type MessagingTestEnv, recordTopic } from './support/messaging-test-env';

type CustomerCreated = EventOf<typeof CREATED>;

// Broker round trips and consumer-group joins: well above jest's 5 s default on a busy machine.
jest.setTimeout(90_000);

describe(replayDeadLetters.name, () => {
  let env: MessagingTestEnv;
  let producer: Producer;
  const stoppables: { stop(): Promise<void> }[] = [];
  /** Subjects whose events the handler refuses, like a bug fixed later. */
  const refused = new Set<string>();

  beforeEach(async () => {
    env = await createMessagingTestEnv('dlqreplay');
    await env.dataSource.query(`CREATE TABLE ${env.schema}.effect (
      seq bigserial PRIMARY KEY, consumer text NOT NULL, customer_id uuid NOT NULL, event_id uuid NOT NULL)`);
    producer = env.kafka.createProducer();
    await producer.connect();
    refused.clear();
  }, 30_000);

  afterEach(async () => {
    await Promise.all(stoppables.splice(0).map((s) => s.stop()));
    await producer.disconnect();
    await env.close();
  }, 30_000);

  async function startConsumer(groupId: string): Promise<EventConsumer> {
    const { schema, dataSource, kafka, logger } = env;
    const consumer = new EventConsumer({
      service: 'visits',
      groupId,
      schema,
      dataSource,
      kafka,
      logger,
      maxAttempts: 2,
      retry: { initialMs: 5, maxMs: 20 },
      handlers: {
        [CREATED]: async (event: CustomerCreated, manager: EntityManager) => {
          if (refused.has(event.subject)) throw new Error(`cannot handle ${event.subject} yet`);
          await manager.query(`INSERT INTO ${schema}.effect (consumer, customer_id, event_id) VALUES ($1, $2, $3)`, [groupId, event.subject, event.id]);
        },
      },
    });
    stoppables.push(consumer);
    await consumer.start();
    return consumer;
  }

  async function publish(subject: string): Promise<CustomerCreated> {
    const data = customerCreated(subject, 1);
    const event = createEvent(CREATED, { subject, tenantId: data.customer.tenantId, data });
    await producer.send({ topic: env.topic, acks: -1, messages: [{ key: subject, value: JSON.stringify(event), headers: { 'x-request-id': 'req-1' } }] });
    return event;
  }

  async function effects(consumer: string): Promise<string[]> {
    const rows = await env.dataSource.query<{ customer_id: string }[]>(
      `SELECT customer_id FROM ${env.schema}.effect WHERE consumer = $1 ORDER BY seq`,
      [consumer],
    );
    return rows.map((row) => row.customer_id);
  }

  const logicalTopic = (): string => env.topic.slice(env.kafka.settings.topicPrefix.length);

  it('sends dead letters back once each: the failed group processes them, groups that had them skip them, a rerun replays nothing', async () => {
    const visits = `visits.${randomUUID()}`;
    const sync = `sync.${randomUUID()}`;
    const dlq = await recordTopic(env.kafka, [dlqTopic(env.topic)]);
    const main = await recordTopic(env.kafka, [env.topic]);
    stoppables.push(dlq, main);
    await startConsumer(visits);
    const [poison, healthy] = [randomUUID(), randomUUID()];
    refused.add(poison);
    await publish(poison);
    await publish(healthy);
    await eventually('the poison event was dead-lettered', () => dlq.records.length === 1);
    await eventually('the healthy one was processed', async () => (await effects(visits)).includes(healthy));
    // A second group joins later and processes everything, poison included (its handler has no bug).
    refused.clear();
    await startConsumer(sync);
    await eventually('the second group caught up', async () => (await effects(sync)).length === 2);

    const seen: ReplayedRecord[] = [];
    const dryRun = await replayDeadLetters(env.kafka, { topic: logicalTopic(), dryRun: true, onRecord: (r) => seen.push(r) });
    expect(dryRun).toEqual({ replayed: 1, skipped: 0 });
    expect(seen).toMatchObject([{ key: poison, consumerGroup: visits, error: `cannot handle ${poison} yet` }]);
    expect(main.records).toHaveLength(2);

    const report = await replayDeadLetters(env.kafka, { topic: dlqTopic(logicalTopic()) });

    expect(report).toEqual({ replayed: 1, skipped: 0 });
    await eventually('the replayed event was processed by the group that failed it', async () => (await effects(visits)).includes(poison));
    await eventually('the replayed record is on the topic', () => main.records.length === 3);
    const replayed = main.records[2]!;
    expect(replayed.key).toBe(poison);
    expect(replayed.headers).toMatchObject({ 'x-request-id': 'req-1', 'x-replayed-from': expect.stringMatching(/\.dlq:\d+:0$/) });
    expect(Object.keys(replayed.headers).filter((name) => name.startsWith('x-error') || name.startsWith('x-original'))).toEqual([]);
    // The group that had processed it already recognises its id: one effect each, never two.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await effects(visits)).toEqual([healthy, poison]);
    expect((await effects(sync)).sort()).toEqual([poison, healthy].sort());

    expect(await replayDeadLetters(env.kafka, { topic: logicalTopic() })).toEqual({ replayed: 0, skipped: 0 });
  });

  it('replays only the dead letters of the named group, at most the limit, and the rest on a later run', async () => {
    const failing = `visits.${randomUUID()}`;
    const dlq = await recordTopic(env.kafka, [dlqTopic(env.topic)]);
    stoppables.push(dlq);
    const consumer = await startConsumer(failing);
    const poisons = [randomUUID(), randomUUID(), randomUUID()];
    for (const subject of poisons) refused.add(subject);
    for (const subject of poisons) await publish(subject);
    await eventually('three dead letters', () => dlq.records.length === 3);
    // Stopped while replaying, so what is replayed does not fail again before the runs are counted.
    await consumer.stop();
    // Another group's dead letter on the same topic.
    await producer.send({
      topic: dlqTopic(env.topic),
      acks: -1,
      messages: [{ key: 'other', value: '{}', headers: { 'x-consumer-group': 'checkins.other', 'x-original-topic': env.topic } }],
    });

    const first = await replayDeadLetters(env.kafka, { topic: logicalTopic(), consumerGroup: failing, limit: 2 });
    const second = await replayDeadLetters(env.kafka, { topic: logicalTopic(), consumerGroup: failing });

    expect(first.replayed).toBe(2);
    expect(second.replayed).toBe(1);
    // The other group's record is skipped once, by whichever run reaches its partition first.
    expect(first.skipped + second.skipped).toBe(1);
    // Still refused: each replay dead-letters again, and the next run would offer them again.
    await startConsumer(failing);
    await eventually('the replays failed again and came back', () => dlq.records.length === 4 + 3);
    expect(await replayDeadLetters(env.kafka, { topic: logicalTopic(), consumerGroup: failing, dryRun: true })).toEqual({ replayed: 3, skipped: 0 });
  });
});
