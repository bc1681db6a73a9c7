import { type DynamicModule, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { KafkaClientFactory } from '../kafka-client.factory';
import { type MessagingLogger, nestMessagingLogger } from '../logger';
import { OutboxPublisher } from '../outbox/outbox.publisher';
import { OutboxRelay } from '../outbox/outbox.relay';
import { EventSubscriptions } from './event-subscriptions';
import { MessagingLifecycle } from './messaging.lifecycle';
import { MESSAGING_OPTIONS, type MessagingModuleAsyncOptions, type MessagingModuleOptions } from './messaging.options';
import { MESSAGING_DATA_SOURCE, MESSAGING_LOGGER } from './messaging.tokens';

/**
 * A service's messaging: `OutboxPublisher` for its use cases, `EventSubscriptions` for the
 * events its feature modules consume, and the relay and consumers run for the app's lifetime.
 * Global, so feature modules inject these without importing it.
 */
@Module({})
export class MessagingModule {
  /** Messaging for `options.service`, with options known up front. */
  static forService(options: MessagingModuleOptions): DynamicModule {
    return MessagingModule.forServiceAsync({ useFactory: () => options });
  }

  /** Messaging for a service whose options come from its config (`inject` + `useFactory`). */
  static forServiceAsync(async: MessagingModuleAsyncOptions): DynamicModule {
    return {
      module: MessagingModule,
      global: true,
      imports: async.imports ?? [],
      providers: [
        { provide: MESSAGING_OPTIONS, inject: async.inject ?? [], useFactory: async.useFactory },
        { provide: MESSAGING_DATA_SOURCE, useExisting: async.dataSource ?? DataSource },
        {
          provide: MESSAGING_LOGGER,
          inject: [MESSAGING_OPTIONS],
          useFactory: (options: MessagingModuleOptions): MessagingLogger => options.logger ?? nestMessagingLogger('Messaging'),
        },
        {
          provide: KafkaClientFactory,
          inject: [MESSAGING_OPTIONS, MESSAGING_LOGGER],
          useFactory: (options: MessagingModuleOptions, logger: MessagingLogger) =>
            new KafkaClientFactory(options.kafka, logger),
        },
        {
          provide: OutboxPublisher,
          inject: [MESSAGING_OPTIONS],
          useFactory: ({ service, schema }: MessagingModuleOptions) => new OutboxPublisher({ service, schema }),
        },
        {
          provide: OutboxRelay,
          inject: [MESSAGING_OPTIONS, MESSAGING_DATA_SOURCE, KafkaClientFactory, MESSAGING_LOGGER],
          useFactory: (
            { relay, service, schema }: MessagingModuleOptions,
            dataSource: DataSource,
            kafka: KafkaClientFactory,
            logger: MessagingLogger,
          ) => new OutboxRelay({ ...relay, service, schema, dataSource, kafka, logger }),
        },
        EventSubscriptions,
        MessagingLifecycle,
      ],
      exports: [OutboxPublisher, EventSubscriptions, KafkaClientFactory, OutboxRelay],
    };
  }
}
