import { type DynamicModule, Module } from '@nestjs/common';
import { MessagingModule } from '@fieldforce/messaging';
import { ObservabilityModule } from '@fieldforce/observability';
import { PersistenceModule } from '@fieldforce/persistence';
import { type PermissionsConfig } from './config/permissions.config';

/** The permissions service (tenants, users, org units, roles, tokens): bootable with its schema, outbox and health; features arrive with their issues. */
@Module({})
export class AppModule {
  static forConfig(config: PermissionsConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forService({ service: 'permissions', health: { postgres: true, kafka: true } }),
        PersistenceModule.forService({
          service: 'permissions',
          useFactory: () => ({ url: config.database.url, poolSize: config.database.poolSize }),
        }),
        MessagingModule.forService({
          service: 'permissions',
          schema: 'permissions',
          kafka: config.kafka,
          shutdownTimeoutMs: config.shutdown.timeoutMs,
        }),
      ],
    };
  }
}
