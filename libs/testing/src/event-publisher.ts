import { Kafka, logLevel, type Producer } from 'kafkajs';
import { type AnyEvent, topicOf } from '@fieldforce/contracts';
import { type TestKafka } from './test-environment';

/**
 * Polls `probe` until it holds; fails naming `what` after `timeoutMs`. The default outlasts a
 * consumer-group rebalance held up by a member an earlier test of the run killed (kafkajs's 30 s
 * session timeout), so the services' consumers resume in time.
 */
export async function eventually(what: string, probe: () => Promise<boolean>, timeoutMs = 75_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Publishes events as the services owning them would (record key = subject), onto this run's topics. */
export class TestEventPublisher {
  private constructor(
    private readonly producer: Producer,
    private readonly kafka: TestKafka,
  ) {}

  static async connect(kafka: TestKafka, clientId = 'tests'): Promise<TestEventPublisher> {
    const producer = new Kafka({ clientId, brokers: kafka.brokers, logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    return new TestEventPublisher(producer, kafka);
  }

  async publish(...events: AnyEvent[]): Promise<void> {
    for (const event of events) {
      await this.producer.send({
        topic: this.kafka.topicPrefix + topicOf(event.type),
        acks: -1,
        messages: [{ key: event.subject, value: JSON.stringify(event) }],
      });
    }
  }

  async disconnect(): Promise<void> {
    await this.producer.disconnect();
  }
}
