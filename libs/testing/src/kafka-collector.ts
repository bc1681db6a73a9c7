import { randomUUID } from 'node:crypto';
import { type Consumer, Kafka, logLevel } from 'kafkajs';
import { type TestKafka } from './test-environment';

/** A record as a test sees it: key, value and headers as strings. */
export interface CollectedRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: string;
  headers: Record<string, string>;
}

/**
 * Reads a topic from its beginning with a plain kafkajs consumer (its own group), keeping every
 * record so a test can wait for the ones it expects — the view an integrator has.
 */
export class KafkaTopicCollector {
  readonly records: CollectedRecord[] = [];
  private readonly waiters = new Set<() => void>();

  private constructor(private readonly consumer: Consumer) {}

  /** Subscribes to `topics` (full names, prefix included) and starts collecting. */
  static async start(kafka: TestKafka, ...topics: string[]): Promise<KafkaTopicCollector> {
    const client = new Kafka({ clientId: 'test-collector', brokers: kafka.brokers, logLevel: logLevel.NOTHING });
    const consumer = client.consumer({ groupId: `test-collector-${randomUUID()}`, sessionTimeout: 10_000, heartbeatInterval: 500 });
    await consumer.connect();
    const admin = client.admin();
    await admin.connect();
    // Topics may not exist yet when the service under test provisions them later: create them up front.
    await admin.createTopics({ topics: topics.map((topic) => ({ topic, numPartitions: 3 })), waitForLeaders: true });
    await admin.disconnect();
    await consumer.subscribe({ topics, fromBeginning: true });
    const collector = new KafkaTopicCollector(consumer);
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(message.headers ?? {})) {
          if (value !== undefined) headers[name] = Array.isArray(value) ? value.map(String).join(',') : String(value);
        }
        collector.records.push({
          topic,
          partition,
          offset: message.offset,
          key: message.key?.toString() ?? null,
          value: message.value?.toString() ?? '',
          headers,
        });
        for (const wake of collector.waiters) wake();
      },
    });
    return collector;
  }

  /** Resolves with the first `count` matching records; rejects after `timeoutMs` with what arrived. */
  waitFor(match: (record: CollectedRecord) => boolean, count = 1, timeoutMs = 20_000): Promise<CollectedRecord[]> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = this.records.filter(match);
        if (found.length < count) return false;
        this.waiters.delete(wake);
        clearTimeout(timer);
        resolve(found.slice(0, count));
        return true;
      };
      const wake = (): void => void check();
      const timer = setTimeout(() => {
        this.waiters.delete(wake);
        reject(new Error(`expected ${count} matching records within ${timeoutMs} ms, got ${this.records.filter(match).length} of ${this.records.length}`));
      }, timeoutMs);
      this.waiters.add(wake);
      check();
    });
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}
