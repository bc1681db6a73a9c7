import { type InjectionToken, type ModuleMetadata } from '@nestjs/common';
import { type ServiceName } from '@fieldforce/contracts';
import { type ConsumerTuning } from '../inbox/event-consumer';
import { type KafkaSettings } from '../kafka-settings';
import { type MessagingLogger } from '../logger';
import { type OutboxRelayOptions } from '../outbox/outbox.relay';
import { type TopicProvisioningOptions } from '../topic-provisioning';

export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');

type Tuning<T> = Omit<T, 'service' | 'schema' | 'dataSource' | 'kafka' | 'logger'>;

export interface MessagingModuleOptions {
  service: ServiceName;
  /** The service's own schema, holding its outbox and inbox. */
  schema: string;
  /** From the service's validated config (`config.kafka`): one config system reads KAFKA_BROKERS. */
  kafka: KafkaSettings;
  /** Default: Nest's logger (pino once observability installs nestjs-pino). */
  logger?: MessagingLogger;
  /** Creates the service's topics and their `.dlq` at start (default on, 3 partitions, replication 1). */
  topics?: Partial<TopicProvisioningOptions> & { provision?: boolean };
  relay?: Tuning<OutboxRelayOptions>;
  /** Defaults for every consumer the service registers. */
  consumers?: ConsumerTuning;
  /** Time allowed at shutdown to drain the outbox (default 10 s). */
  shutdownTimeoutMs?: number;
}

export interface MessagingModuleAsyncOptions {
  imports?: ModuleMetadata['imports'];
  inject?: InjectionToken[];
  /** Builds the options from the `inject`ed dependencies (typically the service's config). */
  useFactory: (...deps: never[]) => MessagingModuleOptions | Promise<MessagingModuleOptions>;
  /** Token of the service's TypeORM DataSource (default: the `DataSource` class, as TypeOrmModule registers it). */
  dataSource?: InjectionToken;
}
