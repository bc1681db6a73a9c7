import { randomUUID } from 'node:crypto';
import { type CloudEvent } from '@fieldforce/contracts';
import { type Producer } from 'kafkajs';
import { register } from 'prom-client';
import { fnv1a32 } from '../src/sql';
import { KafkaClientFactory, laneOf, OutboxPublisher, type OutboxRecord, OutboxRelay, type OutboxRelayOptions } from '../src';
import {
  createMessagingTestEnv,
  CREATED,
  customerCreated,
  eventually,
  type MessagingTestEnv,
  type ReceivedRecord,
  recordTopic,
} from './support/messaging-test-env';

/** A relay that counts the rows it published, so a test can see that every replica took part. */
class CountingRelay extends OutboxRelay {
  published = 0;

  protected override async afterPublish(records: readonly OutboxRecord[]): Promise<void> {
    this.published += records.length;
  }
}

/** Delays each send by a random few milliseconds, as network and GC pauses do to real replicas. */
class JitteryKafka extends KafkaClientFactory {
  override createProducer(): Producer {
    const producer = super.createProducer();
    const sendBatch = producer.sendBatch.bind(producer);
    producer.sendBatch = async (batch) => {
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 15));
      return sendBatch(batch);
    };
    return producer;
  }
}

/** Fails some sends before they reach the broker, and loses the acknowledgement of others after. */
class FlakyKafka extends KafkaClientFactory {
  sends = 0;

  override createProducer(): Producer {
    const producer = super.createProducer();
    const sendBatch = producer.sendBatch.bind(producer);
    producer.sendBatch = async (batch) => {
      this.sends += 1;
      if (this.sends % 3 === 1) throw new Error('broker unavailable (simulated)');
      const result = await sendBatch(batch);
      if (this.sends % 3 === 2) throw new Error('acknowledgement lost (simulated)');
      return result;
    };
    return producer;
  }
}

function versionsByKey(records: readonly ReceivedRecord[]): Map<string, number[]> {
  const byKey = new Map<string, number[]>();
  for (const record of records) {
    const event = JSON.parse(record.value) as CloudEvent<{ customer: { version: number } }>;
    byKey.set(record.key, [...(byKey.get(record.key) ?? []), event.data.customer.version]);
  }
  return byKey;
}

/** A fresh subject outside `subject`'s lane: a random one shares it once in OUTBOX_LANES tries. */
function subjectInAnotherLaneThan(subject: string): string {
  for (;;) {
    const candidate = randomUUID();
    if (laneOf(candidate) !== laneOf(subject)) return candidate;
  }
}

const tenantId = customerCreated(randomUUID(), 1).customer.tenantId;

// Broker round trips and consumer-group joins: well above jest's 5 s default on a busy machine.
jest.setTimeout(60_000);

describe(OutboxRelay.name, () => {
  let env: MessagingTestEnv;
  let publisher: OutboxPublisher;
  const relays: OutboxRelay[] = [];
  const observers: { stop(): Promise<void> }[] = [];

  function relay(options: Partial<OutboxRelayOptions> = {}, kind: typeof OutboxRelay = OutboxRelay): OutboxRelay {
    const { schema, dataSource, kafka, logger } = env;
    const instance = new kind({ service: 'customers', schema, dataSource, kafka, logger, ...options });
    relays.push(instance);
    return instance;
  }

  async function observe(): Promise<ReceivedRecord[]> {
    const observer = await recordTopic(env.kafka, [env.topic]);
    observers.push(observer);
    return observer.records;
  }

  async function publishInTransaction(subject: string, version: number): Promise<CloudEvent> {
    return env.dataSource.transaction((manager) =>
      publisher.publish(manager, CREATED, { subject, tenantId, data: customerCreated(subject, version) }),
    );
  }

  beforeEach(async () => {
    env = await createMessagingTestEnv('relay');
    publisher = new OutboxPublisher({ service: 'customers', schema: env.schema });
  }, 30_000);

  afterEach(async () => {
    await Promise.all(relays.splice(0).map((r) => r.stop(2_000)));
    await Promise.all(observers.splice(0).map((o) => o.stop()));
    await env.close();
  }, 30_000);

  it('delivers 1,000 events from concurrent transactions in order per aggregate, with two relays at once', async () => {
    const aggregates = Array.from({ length: 25 }, () => randomUUID());
    await env.dataSource.query(`CREATE TABLE ${env.schema}.aggregate (id uuid PRIMARY KEY, version int NOT NULL DEFAULT 0)`);
    await env.dataSource.query(`INSERT INTO ${env.schema}.aggregate (id) SELECT unnest($1::uuid[])`, [aggregates]);
    const received = await observe();
    // Small batches over few lanes and uneven send latency: replicas taking rows of one key at
    // the same time would deliver them out of order.
    const kafka = new JitteryKafka(env.kafka.settings, env.logger);
    const replicas = [1, 2].map(() => relay({ kafka, batchSize: 10, lanesPerBatch: 2 }, CountingRelay) as CountingRelay);
    let committed = 0;
    let relaysStarted: Promise<unknown> | undefined;

    // Eight writers, each change bumping an aggregate's version under its row lock (as a service
    // does), so the version is the order the events of one aggregate must arrive in. The relays
    // start once a backlog has built up, and then run alongside the remaining writes.
    await Promise.all(
      Array.from({ length: 8 }, async (_, writer) => {
        for (let i = 0; i < 125; i += 1) {
          const subject = aggregates[(writer * 7 + i * 13) % aggregates.length] as string;
          await env.dataSource.transaction(async (manager) => {
            const [[row]] = await manager.query<[{ version: number }[]]>(
              `UPDATE ${env.schema}.aggregate SET version = version + 1 WHERE id = $1 RETURNING version`,
              [subject],
            );
            await publisher.publish(manager, CREATED, { subject, tenantId, data: customerCreated(subject, row!.version) });
          });
          committed += 1;
          if (committed === 500) relaysStarted = Promise.all(replicas.map((r) => r.start()));
        }
      }),
    );
    await relaysStarted;

    await eventually('1,000 events arrived', () => received.length >= 1_000, 60_000);
    const finalVersions = await env.dataSource.query<{ id: string; version: number }[]>(
      `SELECT id, version FROM ${env.schema}.aggregate`,
    );
    const byKey = versionsByKey(received);
    for (const { id, version } of finalVersions) {
      expect(byKey.get(id)).toEqual(Array.from({ length: version }, (_, i) => i + 1));
    }
    expect(received).toHaveLength(1_000);
    expect(replicas.map((r) => r.published).every((n) => n > 0)).toBe(true);
  });

  it('publishes nothing for a rolled-back transaction', async () => {
    const subject = randomUUID();
    const received = await observe();
    await relay().start();
    let rolledBack: CloudEvent | undefined;
    await expect(
      env.dataSource.transaction(async (manager) => {
        rolledBack = await publisher.publish(manager, CREATED, { subject, tenantId, data: customerCreated(subject, 1) });
        throw new Error('business rule violated');
      }),
    ).rejects.toThrow('business rule violated');
    // Same key, so the same partition: had the first been sent, it would arrive before this one.
    const committed = await publishInTransaction(subject, 2);

    await eventually('the committed event arrived', () => received.some((r) => r.value.includes(committed.id)));
    expect(rolledBack).toBeDefined();
    const sentIds = received.filter((r) => r.key === subject).map((r) => (JSON.parse(r.value) as CloudEvent).id);
    expect(sentIds).toEqual([committed.id]);
    const rows = await env.dataSource.query<{ event_id: string }[]>(`SELECT event_id FROM ${env.schema}.outbox`);
    expect(rows.map((r) => r.event_id)).toEqual([committed.id]);
  });

  it('refuses to publish outside a transaction', async () => {
    const subject = randomUUID();
    await expect(
      publisher.publish(env.dataSource.manager, CREATED, { subject, tenantId, data: customerCreated(subject, 1) }),
    ).rejects.toThrow(/open transaction/);
  });

  it('is woken by NOTIFY at commit rather than by its poll', async () => {
    const received = await observe();
    await relay({ pollIntervalMs: 600_000 }).start();
    const event = await publishInTransaction(randomUUID(), 1);
    await eventually('the event arrived without a poll', () => received.some((r) => r.value.includes(event.id)), 20_000);
    const { traceparent } = event;
    expect(received[0]?.headers).toEqual({ 'content-type': 'application/cloudevents+json; charset=UTF-8', traceparent });
    expect(JSON.parse(received[0]!.value)).toEqual(event);
  });

  it('never sends a lane that another replica holds, and reports the backlog and its age', async () => {
    const subject = randomUUID();
    const otherReplica = env.dataSource.createQueryRunner();
    await otherReplica.connect();
    await otherReplica.query('SELECT pg_advisory_lock($1, $2)', [fnv1a32(`${env.schema}.outbox`) | 0, laneOf(subject)]);
    try {
      const received = await observe();
      const instance = relay({ pollIntervalMs: 50 });
      await instance.start();
      await publishInTransaction(subject, 1);
      await publishInTransaction(subject, 2);
      const other = await publishInTransaction(subjectInAnotherLaneThan(subject), 1);
      await eventually('the event of a free lane arrived', () => received.some((r) => r.value.includes(other.id)));
      // Flushing sends what this replica can take; the held lane stays with its holder.
      expect(await instance.flush(5_000)).toBe(false);
      expect(received.filter((r) => r.key === subject)).toEqual([]);

      const metrics = await register.getMetricsAsJSON();
      const value = (name: string) =>
        metrics.find((m) => m.name === name)?.values.find((v) => v.labels.service === 'customers')?.value;
      expect(value('fieldforce_outbox_backlog')).toBe(2);
      expect(value('fieldforce_outbox_oldest_unsent_age_seconds')).toBeGreaterThan(0);

      await otherReplica.query('SELECT pg_advisory_unlock_all()');
      expect(await instance.flush(10_000)).toBe(true);
      await eventually('the held lane was sent', () => received.filter((r) => r.key === subject).length === 2);
      expect(versionsByKey(received).get(subject)).toEqual([1, 2]);
    } finally {
      await otherReplica.release();
    }
  });

  it('retries failed sends with backoff and never lets an event overtake its predecessor', async () => {
    const flaky = new FlakyKafka(env.kafka.settings, env.logger);
    const subjects = Array.from({ length: 5 }, () => randomUUID());
    for (let version = 1; version <= 20; version += 1) {
      for (const subject of subjects) await publishInTransaction(subject, version);
    }
    const received = await observe();
    await relay({ kafka: flaky, batchSize: 7, retry: { initialMs: 5, maxMs: 20 } }).start();

    await eventually('every event arrived', () => new Set(received.map((r) => r.value)).size === 100, 60_000);
    expect(flaky.sends).toBeGreaterThan(3);
    for (const subject of subjects) {
      const versions = versionsByKey(received).get(subject) ?? [];
      // Duplicates come from lost acknowledgements; but each version arrives only after its predecessor.
      versions.reduce((highest, version) => {
        expect(version).toBeLessThanOrEqual(highest + 1);
        return Math.max(highest, version);
      }, 0);
      expect([...new Set(versions)].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    }
    expect(received.length).toBeGreaterThan(100);
    const [failures] = await env.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM ${env.schema}.outbox WHERE attempts > 0`,
    );
    expect(failures?.n).toBeGreaterThan(0);
  });

  it('prunes sent rows past their retention and keeps unsent ones', async () => {
    const instance = relay({ sentRetentionMs: 0 });
    await instance.start();
    await publishInTransaction(randomUUID(), 1);
    expect(await instance.flush()).toBe(true);
    await instance.stop();
    const unsent = await publishInTransaction(randomUUID(), 1);

    expect(await instance.pruneSent()).toBe(1);
    const rows = await env.dataSource.query<unknown[]>(`SELECT event_id, sent_at FROM ${env.schema}.outbox`);
    expect(rows).toEqual([{ event_id: unsent.id, sent_at: null }]);
  });
});
