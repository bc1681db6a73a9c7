import { type DynamicModule, Global, Module } from '@nestjs/common';
import { OutboxPublisher } from '@fieldforce/messaging';
import { PersistenceModule } from '@fieldforce/persistence';
import { ConfigModule } from '@fieldforce/platform';
import { type PermissionsConfig } from '../config/permissions.config';
import { AccessModule } from '../modules/access/access.module';
import { SigningKeysModule } from '../modules/signing-keys/signing-keys.module';
import { TenantsModule } from '../modules/tenants/tenants.module';

// The CLI writes events to the outbox only; the running service's relay sends them to Kafka.
@Global()
@Module({
  providers: [{ provide: OutboxPublisher, useValue: new OutboxPublisher({ service: 'permissions', schema: 'permissions' }) }],
  exports: [OutboxPublisher],
})
class CliOutboxModule {}

/** What the command-line tools need: the schema, the outbox, tenant creation and the signing keys; no HTTP, no Kafka. */
@Module({})
export class CliModule {
  static forConfig(config: PermissionsConfig): DynamicModule {
    return {
      module: CliModule,
      imports: [
        ConfigModule.forRoot(config),
        PersistenceModule.forService({
          service: 'permissions',
          useFactory: () => ({ url: config.database.url, poolSize: 2 }),
          retryAttempts: 1,
        }),
        CliOutboxModule,
        // The feature controllers' guard is instantiated with their modules, so its dependencies must resolve.
        AccessModule,
        TenantsModule,
        SigningKeysModule,
      ],
    };
  }
}
