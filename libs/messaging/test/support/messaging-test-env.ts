import { randomBytes } from 'node:crypto';
import { customerCreatedV1, type CustomerState, type EventData, Topics } from '@fieldforce/contracts';
import { testAdminUrl, testKafka } from '@fieldforce/testing';
import { type Consumer, type KafkaMessage } from 'kafkajs';
import { DataSource } from 'typeorm';
import { createMessagingTables, ensureTopics, KafkaClientFactory, type MessagingLogger } from '../../src';

export const CREATED = 'fieldforce.customers.customer.created.v1';

/** Log lines kept in memory; printed only with DEBUG_MESSAGING=1. */
export function testLogger(): MessagingLogger & { lines: { level: string; message: string; context: object }[] } {
  const lines: { level: string; message: string; context: object }[] = [];
  const record = (level: string) => (context: object, message: string) => {
    lines.push({ level, message, context });
    if (process.env.DEBUG_MESSAGING === '1') process.stderr.write(`[${level}] ${message} ${JSON.stringify(context)}\n`);
  };
  return { lines, error: record('error'), warn: record('warn'), info: record('info'), debug: record('debug') };
}

/** A scratch schema with outbox and inbox in this run's database, and topics under a prefix of its own. */
export interface MessagingTestEnv {
  schema: string;
  dataSource: DataSource;
  kafka: KafkaClientFactory;
  logger: ReturnType<typeof testLogger>;
  /** The customer topic as named on the wire. */
  topic: string;
  databaseUrl: string;
  close(): Promise<void>;
}

export async function createMessagingTestEnv(label: string): Promise<MessagingTestEnv> {
  const schema = `msgtest_${label}_${randomBytes(4).toString('hex')}`;
  const databaseUrl = testAdminUrl();
  const dataSource = await new DataSource({ type: 'postgres', url: databaseUrl, poolSize: 12 }).initialize();
  await dataSource.query(`CREATE SCHEMA ${schema}`);
  const queryRunner = dataSource.createQueryRunner();
  try {
    await createMessagingTables(queryRunner, schema);
  } finally {
    await queryRunner.release();
  }
  const { brokers, topicPrefix } = testKafka();
  const logger = testLogger();
  const kafka = new KafkaClientFactory({ brokers, clientId: 'customers', topicPrefix: `${topicPrefix}${schema}.` }, logger);
  const topic = kafka.topic(Topics.customers.customer);
  const admin = kafka.createAdmin();
  await admin.connect();
  await ensureTopics(admin, [topic], { partitions: 3, replicationFactor: 1 });
  await admin.disconnect();
  return {
    schema,
    dataSource,
    kafka,
    logger,
    topic,
    databaseUrl,
    close: async () => {
      await dataSource.query(`DROP SCHEMA ${schema} CASCADE`);
      await dataSource.destroy();
    },
  };
}

/** A customer.created payload for `id` carrying `version`, the per-aggregate sequence number the tests check. */
export function customerCreated(id: string, version: number): EventData<typeof CREATED> {
  const customer: CustomerState = { ...structuredClone(customerCreatedV1.example.customer), id, version };
  return { customer, changedFields: ['name'] };
}

export interface ReceivedRecord {
  partition: number;
  offset: string;
  key: string;
  value: string;
  headers: Record<string, string>;
}

/** A plain kafkajs consumer recording everything on `topics` from their beginning. */
export async function recordTopic(
  kafka: KafkaClientFactory,
  topics: string[],
): Promise<{ records: ReceivedRecord[]; stop(): Promise<void> }> {
  const records: ReceivedRecord[] = [];
  // A short fetch wait, so that stopping does not wait out a long poll.
  const consumer: Consumer = kafka.createConsumer(`observer-${randomBytes(4).toString('hex')}`, { maxWaitTimeInMs: 200 });
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ partition, message }) => void records.push(toRecord(partition, message)) });
  return { records, stop: () => consumer.disconnect() };
}

function toRecord(partition: number, message: KafkaMessage): ReceivedRecord {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.map(String).join(',') : value.toString();
  }
  const key = message.key?.toString() ?? '';
  return { partition, offset: message.offset, key, value: message.value?.toString() ?? '', headers };
}

/** Polls `probe` until it returns true; fails with `what` after `timeoutMs`. */
export async function eventually(what: string, probe: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
