import { type DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '@fieldforce/auth';
import { MessagingModule } from '@fieldforce/messaging';
import { ObservabilityModule } from '@fieldforce/observability';
import { PersistenceModule } from '@fieldforce/persistence';
import { RedisModule, UploadsModule } from '@fieldforce/platform';
import { type CheckinsConfig } from './config/checkins.config';
import { CheckInsModule } from './modules/check-ins/check-ins.module';
import { CustomerLocationsModule } from './modules/customer-locations/customer-locations.module';
import { DirectoryModule } from './modules/directory/directory.module';
import { LivePositionsModule } from './modules/live-positions/live-positions.module';
import { MutationsModule } from './modules/mutations/mutations.module';
import { TrajectoriesModule } from './modules/trajectories/trajectories.module';

/** The checkins service: check-ins, trajectories and live positions over its schema, outbox, Redis and access control. */
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
        RedisModule.forRoot(config.redis),
        AuthModule.forRoot(config.auth),
        UploadsModule.forRoot(config.uploads),
        DirectoryModule,
        CustomerLocationsModule,
        LivePositionsModule,
        CheckInsModule,
        MutationsModule,
        TrajectoriesModule,
      ],
    };
  }
}
