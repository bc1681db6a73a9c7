import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { type CloudEvent } from '@fieldforce/contracts';
import { EventConsumer, OutboxPublisher, OutboxRelay } from '../src';
import {
  createMessagingTestEnv,
  CREATED,
  customerCreated,
  eventually,
  type MessagingTestEnv,
  type ReceivedRecord,
  recordTopic,
} from './support/messaging-test-env';

const ROOT = path.resolve(__dirname, '../../..');
const RELAY_PROCESS = path.join(__dirname, 'support', 'relay-process.ts');

/** Runs the relay in a child process; resolves with how it ended. */
function runRelayProcess(
  env: MessagingTestEnv,
  extra: Record<string, string>,
): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', RELAY_PROCESS], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: env.databaseUrl,
        SCHEMA: env.schema,
        KAFKA_BROKERS: env.kafka.settings.brokers.join(','),
        TOPIC_PREFIX: env.kafka.settings.topicPrefix,
        BATCH_SIZE: '40',
        ...extra,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 45_000);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr });
    });
  });
}

describe(`${OutboxRelay.name} killed mid-batch`, () => {
  let env: MessagingTestEnv;

  beforeAll(async () => {
    env = await createMessagingTestEnv('crash');
    await env.dataSource.query(`CREATE TABLE ${env.schema}.effect (
      seq bigserial PRIMARY KEY, customer_id uuid NOT NULL, version int NOT NULL, event_id uuid NOT NULL UNIQUE)`);
  }, 30_000);

  afterAll(async () => {
    await env.close();
  }, 30_000);

  it('loses nothing when killed between publish and mark-sent, and the inbox absorbs the resent duplicates', async () => {
    const publisher = new OutboxPublisher({ service: 'customers', schema: env.schema });
    const subjects = Array.from({ length: 10 }, () => randomUUID());
    const published: CloudEvent[] = [];
    for (let version = 1; version <= 30; version += 1) {
      for (const subject of subjects) {
        const data = customerCreated(subject, version);
        const event = await env.dataSource.transaction((manager) =>
          publisher.publish(manager, CREATED, { subject, tenantId: data.customer.tenantId, data }),
        );
        published.push(event);
      }
    }
    const observer = await recordTopic(env.kafka, [env.topic]);
    const wire: ReceivedRecord[] = observer.records;
    const { schema, dataSource, kafka, logger } = env;
    const consumer = new EventConsumer({
      service: 'visits',
      groupId: 'visits.crash-test',
      schema,
      dataSource,
      kafka,
      logger,
      handlers: {
        [CREATED]: async (event, manager) => {
          await manager.query(`INSERT INTO ${schema}.effect (customer_id, version, event_id) VALUES ($1, $2, $3)`, [
            event.subject,
            event.data.customer.version,
            event.id,
          ]);
        },
      },
    });
    await consumer.start();
    try {
      const crashed = await runRelayProcess(env, { CRASH_AFTER_BATCHES: '3' });
      expect(crashed).toMatchObject({ code: null, signal: 'SIGKILL' });

      // The crashed batch reached the broker but is still unsent in the outbox.
      const unsent = await dataSource.query<{ event_id: string }[]>(
        `SELECT event_id FROM ${schema}.outbox WHERE sent_at IS NULL`,
      );
      expect(unsent.length).toBeGreaterThan(0);
      expect(unsent.length).toBeLessThan(published.length);
      const unsentIds = new Set(unsent.map((r) => r.event_id));
      const eventIdOf = (record: ReceivedRecord) => (JSON.parse(record.value) as CloudEvent).id;
      await eventually('the crashed batch is on the wire', () => wire.some((r) => unsentIds.has(eventIdOf(r))));

      const restarted = await runRelayProcess(env, {});
      expect(restarted).toMatchObject({ code: 0 });

      await eventually('every event was applied', async () => {
        const [row] = await dataSource.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM ${schema}.effect`);
        return row?.n === published.length;
      });
      expect(wire.length).toBeGreaterThan(published.length);
      const effects = await dataSource.query<{ customer_id: string; version: number; event_id: string }[]>(
        `SELECT customer_id, version, event_id FROM ${schema}.effect ORDER BY seq`,
      );
      expect(new Set(effects.map((e) => e.event_id))).toEqual(new Set(published.map((e) => e.id)));
      for (const subject of subjects) {
        const versions = effects.filter((e) => e.customer_id === subject).map((e) => e.version);
        expect(versions).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
      }
      const [left] = await dataSource.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM ${schema}.outbox WHERE sent_at IS NULL`,
      );
      expect(left?.n).toBe(0);
    } finally {
      await consumer.stop();
      await observer.stop();
    }
  }, 120_000);
});
