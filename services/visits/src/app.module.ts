import { type DynamicModule, Module } from '@nestjs/common';
import { MessagingModule } from '@fieldforce/messaging';
import { ObservabilityModule } from '@fieldforce/observability';
import { PersistenceModule } from '@fieldforce/persistence';
import { type VisitsConfig } from './config/visits.config';

/** The visits service (visit templates, plans, tasks, reports, reminders): bootable with its schema, outbox and health; features arrive with their issues. */
@Module({})
export class AppModule {
  static forConfig(config: VisitsConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forService({ service: 'visits', health: { postgres: true, kafka: true } }),
        PersistenceModule.forService({
          service: 'visits',
          useFactory: () => ({ url: config.database.url, poolSize: config.database.poolSize }),
        }),
        MessagingModule.forService({
          service: 'visits',
          schema: 'visits',
          kafka: config.kafka,
          shutdownTimeoutMs: config.shutdown.timeoutMs,
        }),
      ],
    };
  }
}
