import { Kafka, logLevel, type KafkaConfig } from 'kafkajs';
import { startDevBroker, type DevBroker, type DevBrokerOptions } from '../src';

/** A broker of its own for one test file, and kafkajs clients pointed at it. */
export interface BrokerFixture {
  broker: DevBroker;
  kafka(config?: Partial<KafkaConfig>): Kafka;
}

let clientCounter = 0;

/** A quiet kafkajs client with short retries, pointed at `brokers`. */
export function kafkaClient(brokers: string[], config: Partial<KafkaConfig> = {}): Kafka {
  return new Kafka({
    clientId: `kdb-test-${++clientCounter}`,
    brokers,
    logLevel: logLevel.NOTHING,
    retry: { initialRetryTime: 50, retries: 8 },
    ...config,
  });
}

/** Starts a fresh broker (in memory unless options.dataDir) on a random port. */
export async function startBrokerFixture(options: DevBrokerOptions = {}): Promise<BrokerFixture> {
  const broker = await startDevBroker({ port: 0, ...options });
  return { broker, kafka: (config = {}) => kafkaClient(broker.brokers, config) };
}

/** Polls `condition` every 20 ms until it holds, failing after `timeoutMs`. */
export async function waitUntil(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

let topicCounter = 0;

/** A topic name unique within the test run. */
export function uniqueTopic(prefix: string): string {
  return `${prefix}-${process.pid}-${++topicCounter}`;
}

export interface ConsumedMessage {
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
}

/** Reads `count` messages of a topic from the beginning with a throwaway consumer group. */
export async function consumeMessages(kafka: Kafka, topic: string, count: number, timeoutMs = 15000): Promise<ConsumedMessage[]> {
  const consumer = kafka.consumer({
    groupId: `${topic}-reader-${++topicCounter}`,
    sessionTimeout: 6000,
    heartbeatInterval: 500,
    maxWaitTimeInMs: 100,
  });
  const messages: ConsumedMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        messages.push({
          partition,
          offset: message.offset,
          key: message.key?.toString() ?? null,
          value: message.value?.toString() ?? null,
        });
      },
    });
    await waitUntil(() => messages.length >= count, timeoutMs, `${count} messages on ${topic}`);
  } finally {
    await consumer.disconnect();
  }
  return messages;
}
