// How fast a consumer works off a backlog: the same events applied one transaction each (the
// baseline, eventsPerTransaction 1, as before chunks) and up to 100 per transaction (the default),
// in alternating rounds of one run against the dev broker (in this process) and this machine's
// Postgres. Each round is a new consumer group reading the whole topic from its beginning; the
// handler upserts a read-model row, as the services' read models do.
//
//   node -r @swc-node/register bench/messaging/backlog.ts
//   BENCH_EVENTS=5000 BENCH_ROUNDS=3 BENCH_CUSTOMERS=500 (defaults)
import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createEvent, type EventOf, Topics } from '@fieldforce/contracts';
import { startDevBroker } from '@fieldforce/kafka-dev-broker';
import { DataSource, type EntityManager } from 'typeorm';
import { createMessagingTables, ensureTopics, EventConsumer, KafkaClientFactory, type MessagingLogger } from '../../libs/messaging/src';
import { CREATED, customerCreated } from '../../libs/messaging/test/support/messaging-test-env';
import { median } from '../stats';

const EVENTS = Number(process.env['BENCH_EVENTS'] ?? 5_000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const CUSTOMERS = Number(process.env['BENCH_CUSTOMERS'] ?? 500);
const ADMIN_URL = process.env['DATABASE_ADMIN_URL'] ?? 'postgres://postgres:postgres@127.0.0.1:5432/fieldforce';
const MODES = [1, 100];

const silent: MessagingLogger = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {} };

async function main(): Promise<void> {
  const schema = `bench_backlog_${randomBytes(4).toString('hex')}`;
  const dataSource = await new DataSource({ type: 'postgres', url: ADMIN_URL, poolSize: 4 }).initialize();
  const broker = await startDevBroker({ port: 0 });
  const kafka = new KafkaClientFactory({ brokers: broker.brokers, clientId: 'bench', topicPrefix: `${schema}.` }, silent);
  try {
    await dataSource.query(`CREATE SCHEMA ${schema}`);
    const queryRunner = dataSource.createQueryRunner();
    await createMessagingTables(queryRunner, schema).finally(() => queryRunner.release());
    await dataSource.query(`CREATE TABLE ${schema}.customer (id uuid PRIMARY KEY, version int NOT NULL, state jsonb NOT NULL)`);
    const topic = kafka.topic(Topics.customers.customer);
    const admin = kafka.createAdmin();
    await admin.connect();
    await ensureTopics(admin, [topic], { partitions: 3, replicationFactor: 1 });
    await admin.disconnect();

    // The backlog: EVENTS versions spread over CUSTOMERS customers, keyed by customer as in production.
    const customers = Array.from({ length: CUSTOMERS }, () => randomUUID());
    const producer = kafka.createProducer();
    await producer.connect();
    for (let start = 0; start < EVENTS; start += 1_000) {
      const messages = Array.from({ length: Math.min(1_000, EVENTS - start) }, (_, i) => {
        const subject = customers[(start + i) % CUSTOMERS]!;
        const data = customerCreated(subject, Math.floor((start + i) / CUSTOMERS) + 1);
        const event = createEvent(CREATED, { subject, tenantId: data.customer.tenantId, data });
        return { key: subject, value: JSON.stringify(event) };
      });
      await producer.send({ topic, acks: -1, messages });
    }
    await producer.disconnect();

    const upsert = async (event: EventOf<typeof CREATED>, manager: EntityManager) => {
      await manager.query(
        `INSERT INTO ${schema}.customer (id, version, state) VALUES ($1, $2, $3)
         ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, state = EXCLUDED.state WHERE customer.version < EXCLUDED.version`,
        [event.subject, event.data.customer.version, JSON.stringify(event.data.customer)],
      );
    };
    const inboxCount = async (groupId: string) =>
      Number((await dataSource.query<{ n: string }[]>(`SELECT count(*) AS n FROM ${schema}.inbox WHERE consumer_group = $1`, [groupId]))[0]?.n);

    const rates = new Map<number, number[]>(MODES.map((mode) => [mode, []]));
    process.stdout.write(`backlog of ${EVENTS} events over ${CUSTOMERS} customers, ${ROUNDS} rounds\n`);
    for (let round = 1; round <= ROUNDS; round += 1) {
      for (const eventsPerTransaction of round % 2 === 1 ? MODES : [...MODES].reverse()) {
        const groupId = `bench-${randomUUID()}`;
        const consumer = new EventConsumer({
          service: 'bench',
          groupId,
          schema,
          dataSource,
          kafka,
          logger: silent,
          handlers: { [CREATED]: upsert },
          eventsPerTransaction,
        });
        await consumer.start();
        // Timed from the first applied event, so the group join is not part of it.
        while ((await inboxCount(groupId)) === 0) await new Promise((resolve) => setTimeout(resolve, 5));
        const startedAt = performance.now();
        while ((await inboxCount(groupId)) < EVENTS) await new Promise((resolve) => setTimeout(resolve, 20));
        const seconds = (performance.now() - startedAt) / 1_000;
        await consumer.stop();
        rates.get(eventsPerTransaction)!.push(EVENTS / seconds);
        process.stdout.write(`round ${round}, ${String(eventsPerTransaction).padStart(3)} per transaction: ${(EVENTS / seconds).toFixed(0)} events/s\n`);
      }
    }
    const [baseline, chunked] = MODES.map((mode) => median(rates.get(mode)!));
    process.stdout.write(
      `median: 1 per transaction ${baseline!.toFixed(0)} events/s, 100 per transaction ${chunked!.toFixed(0)} events/s, ` +
        `ratio ${(chunked! / baseline!).toFixed(2)}x\n`,
    );
  } finally {
    await dataSource.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await dataSource.destroy();
    await broker.stop();
  }
}

void main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exitCode = 1;
});
