import { type Admin, type Consumer, type ConsumerConfig, Kafka, Partitioners, type Producer } from 'kafkajs';
import { type KafkaSettings } from './kafka-settings';
import { kafkaLogCreator, type MessagingLogger } from './logger';

/** Creates the kafkajs clients of one service, all sharing its settings and logger. */
export class KafkaClientFactory {
  readonly kafka: Kafka;

  constructor(
    readonly settings: KafkaSettings,
    logger: MessagingLogger,
  ) {
    this.kafka = new Kafka({
      clientId: settings.clientId,
      brokers: settings.brokers,
      logCreator: kafkaLogCreator(logger),
      retry: { initialRetryTime: 100, retries: 8, maxRetryTime: 5_000 },
    });
  }

  /** The topic name on the wire: the logical name with the configured prefix. */
  topic(name: string): string {
    return `${this.settings.topicPrefix}${name}`;
  }

  /**
   * An idempotent producer (acks -1, one request in flight), so the broker's view of each
   * partition keeps the order we sent in even when kafkajs retries a request.
   */
  createProducer(): Producer {
    return this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
      // Bounded instead of kafkajs's endless default for idempotent producers: the outbox relay
      // owns retrying (with backoff, from the database), and must be able to stop.
      retry: { initialRetryTime: 100, retries: 5, maxRetryTime: 5_000 },
    });
  }

  /**
   * The consumer group name on the wire. Prefixed like topics: environments sharing a cluster
   * must not share groups either, or one environment's member would take partitions (and
   * rebalances) from another's.
   */
  consumerGroup(name: string): string {
    return `${this.settings.topicPrefix}${name}`;
  }

  /** A consumer in the group `groupId` (a logical name: the prefix is added here). */
  createConsumer(groupId: string, config: Omit<ConsumerConfig, 'groupId'> = {}): Consumer {
    return this.kafka.consumer({ ...config, groupId: this.consumerGroup(groupId) });
  }

  createAdmin(): Admin {
    return this.kafka.admin();
  }
}
