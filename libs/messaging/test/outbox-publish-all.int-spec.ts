import { randomUUID } from 'node:crypto';
import { type CloudEvent } from '@fieldforce/contracts';
import { OutboxPublisher, type OutboxEventInput, OutboxRelay } from '../src';
import {
  createMessagingTestEnv,
  CREATED,
  customerCreated,
  eventually,
  type MessagingTestEnv,
  recordTopic,
} from './support/messaging-test-env';

describe(`${OutboxPublisher.name}.publishAll`, () => {
  let env: MessagingTestEnv;
  let publisher: OutboxPublisher;

  beforeAll(async () => {
    env = await createMessagingTestEnv('publish_all');
    publisher = new OutboxPublisher({ service: 'customers', schema: env.schema });
  });

  afterAll(async () => {
    await env?.close();
  });

  // Three versions of each subject, interleaved, so order per subject is what batch order says.
  function batchOf(subjects: string[]): OutboxEventInput[] {
    return [1, 2, 3].flatMap((version) =>
      subjects.map((subject) => {
        const data = customerCreated(subject, version);
        return { type: CREATED, subject, tenantId: data.customer.tenantId, data };
      }),
    );
  }

  it('appends every event of a batch larger than one statement, and the relay delivers them in order per subject', async () => {
    const subjects = Array.from({ length: 900 }, () => randomUUID());
    const batch = batchOf(subjects);
    const observer = await recordTopic(env.kafka, [env.topic]);
    const relay = new OutboxRelay({ service: 'customers', schema: env.schema, dataSource: env.dataSource, kafka: env.kafka, logger: env.logger });
    try {
      const events = await env.dataSource.transaction((manager) => publisher.publishAll(manager, batch));
      expect(events).toHaveLength(2_700);
      const rows = await env.dataSource.query<{ event_id: string }[]>(`SELECT event_id FROM ${env.schema}.outbox ORDER BY id`);
      expect(rows.map((row) => row.event_id)).toEqual(events.map((event) => event.id));

      await relay.start();
      await eventually('2,700 events arrived', () => observer.records.length >= 2_700, 60_000);
      const versions = new Map<string, number[]>();
      for (const record of observer.records) {
        const { data } = JSON.parse(record.value) as CloudEvent<{ customer: { version: number } }>;
        versions.set(record.key, [...(versions.get(record.key) ?? []), data.customer.version]);
      }
      expect(subjects.every((subject) => versions.get(subject)?.join() === '1,2,3')).toBe(true);
    } finally {
      await relay.stop(2_000);
      await observer.stop();
    }
  });

  it('validates every event before appending any, and refuses to run outside a transaction', async () => {
    const batch = batchOf([randomUUID()]);
    const broken = { ...batch[1]!, data: { ...customerCreated(randomUUID(), 1), changedFields: [''] } } as OutboxEventInput;
    const before = await env.dataSource.query<{ count: string }[]>(`SELECT count(*) FROM ${env.schema}.outbox`);

    await expect(env.dataSource.transaction((manager) => publisher.publishAll(manager, [batch[0]!, broken]))).rejects.toThrow(
      /changedFields/,
    );
    await expect(publisher.publishAll(env.dataSource.manager, batch)).rejects.toThrow(/open transaction/);
    const after = await env.dataSource.query<{ count: string }[]>(`SELECT count(*) FROM ${env.schema}.outbox`);
    expect(after).toEqual(before);
  });
});
