import { type DynamicModule, Module } from '@nestjs/common';
import { MessagingModule } from '@fieldforce/messaging';
import { ObservabilityModule } from '@fieldforce/observability';
import { PersistenceModule } from '@fieldforce/persistence';
import { type SyncConfig } from './config/sync.config';

/** The sync service (offline pull/push and resumable uploads): bootable with its schema, outbox and health; features arrive with their issues. */
@Module({})
export class AppModule {
  static forConfig(config: SyncConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forService({ service: 'sync', health: { postgres: true, kafka: true } }),
        PersistenceModule.forService({
          service: 'sync',
          useFactory: () => ({ url: config.database.url, poolSize: config.database.poolSize }),
        }),
        MessagingModule.forService({
          service: 'sync',
          schema: 'sync',
          kafka: config.kafka,
          shutdownTimeoutMs: config.shutdown.timeoutMs,
        }),
      ],
    };
  }
}
