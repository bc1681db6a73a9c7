import { type BeforeApplicationShutdown, Inject, Injectable, type OnApplicationBootstrap, Optional } from '@nestjs/common';
import { eventDefinitions } from '@fieldforce/contracts';
import { ShutdownRegistry } from '@fieldforce/observability';
import { type DataSource } from 'typeorm';
import { backoffDelay, sleep } from '../backoff';
import { EventConsumer } from '../inbox/event-consumer';
import { KafkaClientFactory } from '../kafka-client.factory';
import { type MessagingLogger } from '../logger';
import { OutboxRelay } from '../outbox/outbox.relay';
import { ensureTopics } from '../topic-provisioning';
import { EventSubscriptions } from './event-subscriptions';
import { MESSAGING_DATA_SOURCE, MESSAGING_LOGGER } from './messaging.tokens';
import { MESSAGING_OPTIONS, type MessagingModuleOptions } from './messaging.options';

// Retry pace while Kafka is unreachable at start.
const START_RETRY = { initialMs: 500, maxMs: 15_000 };

/**
 * Starts the outbox relay and the consumers once the app has booted. When Kafka does not answer,
 * the service still starts (writes commit to the outbox, readiness reports Kafka down) and the
 * rest of the start is retried in the background until it succeeds; consumers always join their
 * groups in the background. At shutdown, stops the consumers, then drains the outbox: as phases
 * of observability's ShutdownRegistry (after HTTP has drained) when the service has one, else in
 * Nest's before-shutdown hook.
 */
@Injectable()
export class MessagingLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private consumers: EventConsumer[] = [];
  private readonly stopping = new AbortController();
  private backgroundStart?: Promise<void>;

  constructor(
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingModuleOptions,
    @Inject(MESSAGING_DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(MESSAGING_LOGGER) private readonly logger: MessagingLogger,
    private readonly kafka: KafkaClientFactory,
    private readonly relay: OutboxRelay,
    private readonly subscriptions: EventSubscriptions,
    @Optional() private readonly shutdown?: ShutdownRegistry,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { service, schema } = this.options;
    this.consumers = this.subscriptions.seal().map(
      (subscription) =>
        new EventConsumer({
          ...subscription.options,
          service,
          schema,
          groupId: subscription.groupId,
          handlers: subscription.handlers,
          dataSource: this.dataSource,
          kafka: this.kafka,
          logger: this.logger,
        }),
    );
    this.shutdown?.register('stop-consumers', 'event consumers', () => this.stopConsumers());
    this.shutdown?.register('flush-outbox', 'outbox relay', () => this.stopRelay());

    const steps = [...(this.options.topics?.provision ?? true ? [() => this.provisionTopics()] : []), () => this.relay.start()];
    for (const [index, step] of steps.entries()) {
      try {
        await step();
      } catch (error) {
        this.logger.warn({ err: error }, 'Kafka is not reachable: serving without it, messaging starts when it answers');
        this.backgroundStart = this.retryUntilStarted(steps.slice(index)).then(() => this.startConsumers());
        return;
      }
    }
    this.backgroundStart = this.startConsumers();
  }

  /**
   * Each consumer joins its group in the background, on its own: a join lasts until the group
   * has rebalanced, which after a crash means until the dead member's session timed out (30 s),
   * and neither HTTP nor the other groups may wait for that.
   */
  private async startConsumers(): Promise<void> {
    await Promise.all(this.consumers.map((consumer) => this.startConsumer(consumer)));
  }

  private async startConsumer(consumer: EventConsumer): Promise<void> {
    for (let attempt = 1; !this.stopping.signal.aborted; attempt += 1) {
      try {
        await consumer.start();
        return;
      } catch (error) {
        this.logger.warn({ err: error, attempt, group: consumer.groupId }, 'Consumer could not join its group; retrying');
        await sleep(backoffDelay(attempt, START_RETRY), this.stopping.signal);
      }
    }
  }

  private async retryUntilStarted(steps: (() => Promise<void>)[]): Promise<void> {
    for (const step of steps) {
      for (let attempt = 1; !this.stopping.signal.aborted; attempt += 1) {
        await sleep(backoffDelay(attempt, START_RETRY), this.stopping.signal);
        if (this.stopping.signal.aborted) return;
        try {
          await step();
          break;
        } catch (error) {
          this.logger.warn({ err: error, attempt }, 'Kafka still not reachable; retrying');
        }
      }
    }
    if (!this.stopping.signal.aborted) this.logger.info({ service: this.options.service }, 'Messaging started');
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.shutdown) return;
    // Consumers first: their handlers may still append to the outbox the relay then drains.
    await this.stopConsumers();
    await this.stopRelay();
  }

  private async stopConsumers(): Promise<void> {
    // A start still retrying must not connect anything after shutdown began.
    this.stopping.abort();
    await this.backgroundStart;
    await Promise.all(this.consumers.map((consumer) => consumer.stop()));
  }

  private async stopRelay(): Promise<void> {
    await this.relay.stop(this.options.shutdownTimeoutMs ?? 10_000);
  }

  private async provisionTopics(): Promise<void> {
    const published = eventDefinitions.filter((d) => d.service === this.options.service).map((d) => this.kafka.topic(d.topic));
    const consumed = this.consumers.flatMap((consumer) => consumer.topics());
    const admin = this.kafka.createAdmin();
    await admin.connect();
    try {
      const created = await ensureTopics(admin, [...published, ...consumed], {
        partitions: this.options.topics?.partitions ?? 3,
        replicationFactor: this.options.topics?.replicationFactor ?? 1,
      });
      if (created.length > 0) this.logger.info({ topics: created }, 'Created Kafka topics');
    } finally {
      await admin.disconnect();
    }
  }
}
