export { backoffDelay, type BackoffOptions } from './backoff';
export {
  type ConsumerTuning,
  EventConsumer,
  type EventConsumerOptions,
  type EventHandler,
  type EventHandlers,
  sameHandlerFor,
} from './inbox/event-consumer';
export { KafkaClientFactory } from './kafka-client.factory';
export { type KafkaSettings } from './kafka-settings';
export { kafkaLogCreator, type MessagingLogger, nestMessagingLogger } from './logger';
export {
  createMessagingTables,
  dropMessagingTables,
  laneOf,
  OUTBOX_LANES,
  outboxChannel,
} from './outbox/messaging-tables';
export {
  CLOUDEVENTS_CONTENT_TYPE,
  type OutboxEventInput,
  OutboxPublisher,
  type OutboxPublisherOptions,
} from './outbox/outbox.publisher';
export { type OutboxRecord, OutboxRelay, type OutboxRelayOptions } from './outbox/outbox.relay';
export { EventSubscriptions } from './nest/event-subscriptions';
export { MessagingModule } from './nest/messaging.module';
export { type MessagingModuleAsyncOptions, type MessagingModuleOptions } from './nest/messaging.options';
export { ensureTopics, type TopicProvisioningOptions } from './topic-provisioning';
export { DEAD_LETTER_HEADERS } from './inbox/dead-letter-headers';
export { type DlqReplayOptions, type DlqReplayReport, type ReplayedRecord, replayDeadLetters } from './dlq-replay';
