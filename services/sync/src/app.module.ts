import { type DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '@fieldforce/auth';
import { MessagingModule } from '@fieldforce/messaging';
import { ObservabilityModule } from '@fieldforce/observability';
import { PersistenceModule } from '@fieldforce/persistence';
import { type SyncConfig } from './config/sync.config';
import { FeedModule } from './modules/feed/feed.module';
import { PushModule } from './modules/push/push.module';
import { SyncStatusModule } from './modules/status/status.module';
import { UploadsModule } from './modules/uploads/uploads.module';

/** The sync service: the change feed devices pull (push and resumable uploads to come), over its schema, outbox and access control. */
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
        AuthModule.forRoot(config.auth),
        FeedModule,
        PushModule,
        UploadsModule,
        SyncStatusModule,
      ],
    };
  }
}
