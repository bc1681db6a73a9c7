import { type DynamicModule, Module } from '@nestjs/common';
import { MessagingModule } from '@fieldforce/messaging';
import { PersistenceModule } from '@fieldforce/persistence';
import { type CustomersConfig } from './config/customers.config';
import { CustomersModule } from './modules/customers/customers.module';

/** The customers service: its schema, its outbox, its features. */
@Module({})
export class AppModule {
  static forConfig(config: CustomersConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PersistenceModule.forService({
          service: 'customers',
          useFactory: () => ({ url: config.database.url, poolSize: config.database.poolSize }),
        }),
        MessagingModule.forService({
          service: 'customers',
          schema: 'customers',
          kafka: { brokers: config.kafka.brokers, clientId: config.kafka.clientId, topicPrefix: config.kafka.topicPrefix },
          shutdownTimeoutMs: config.shutdown.timeoutMs,
        }),
        CustomersModule,
      ],
    };
  }
}
