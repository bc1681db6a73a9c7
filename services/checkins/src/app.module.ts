import { type DynamicModule, Module } from '@nestjs/common';
import { MessagingModule } from '@fieldforce/messaging';
import { ObservabilityModule } from '@fieldforce/observability';
import { PersistenceModule } from '@fieldforce/persistence';
import { type CheckinsConfig } from './config/checkins.config';

/** The checkins service (check-ins, trajectories, live positions): bootable with its schema, outbox and health; features arrive with their issues. */
@Module({})
export class AppModule {
  static forConfig(config: CheckinsConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forService({ service: 'checkins', health: { postgres: true, kafka: true } }),
        PersistenceModule.forService({
          service: 'checkins',
          useFactory: () => ({ url: config.database.url, poolSize: config.database.poolSize }),
        }),
        MessagingModule.forService({
          service: 'checkins',
          schema: 'checkins',
          kafka: config.kafka,
          shutdownTimeoutMs: config.shutdown.timeoutMs,
        }),
      ],
    };
  }
}
