import { type DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '@fieldforce/auth';
import { MessagingModule } from '@fieldforce/messaging';
import { ObservabilityModule } from '@fieldforce/observability';
import { PersistenceModule } from '@fieldforce/persistence';
import { type CustomersConfig } from './config/customers.config';
import { AssignmentModule } from './modules/assignment/assignment.module';
import { CustomersModule } from './modules/customers/customers.module';
import { MutationsModule } from './modules/mutations/mutations.module';
import { TerritoriesModule } from './modules/territories/territories.module';

/** The customers service: its schema, its outbox, its access control, its features. */
@Module({})
export class AppModule {
  static forConfig(config: CustomersConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forService({ service: 'customers', health: { postgres: true, kafka: true } }),
        PersistenceModule.forService({
          service: 'customers',
          useFactory: () => ({ url: config.database.url, poolSize: config.database.poolSize }),
        }),
        MessagingModule.forService({
          service: 'customers',
          schema: 'customers',
          kafka: config.kafka,
          shutdownTimeoutMs: config.shutdown.timeoutMs,
        }),
        AuthModule.forRoot(config.auth),
        CustomersModule,
        TerritoriesModule,
        AssignmentModule,
        MutationsModule,
      ],
    };
  }
}
