import { type DynamicModule, Module } from '@nestjs/common';
import { MessagingModule } from '@fieldforce/messaging';
import { ObservabilityModule } from '@fieldforce/observability';
import { PersistenceModule } from '@fieldforce/persistence';
import { RedisModule } from '@fieldforce/platform';
import { type PermissionsConfig } from './config/permissions.config';
import { AccessModule } from './modules/access/access.module';
import { AuditModule } from './modules/audit/audit.module';
import { AuthModule } from './modules/auth/auth.module';
import { OrgUnitsModule } from './modules/org-units/org-units.module';
import { RolesModule } from './modules/roles/roles.module';
import { SigningKeysModule } from './modules/signing-keys/signing-keys.module';
import { TenantsModule } from './modules/tenants/tenants.module';
import { UsersModule } from './modules/users/users.module';

/** The permissions service: tenants' users, org units and roles, login and tokens, audit. */
@Module({})
export class AppModule {
  static forConfig(config: PermissionsConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forService({ service: 'permissions', health: { postgres: true, redis: true, kafka: true } }),
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
        RedisModule.forRoot(config.redis),
        SigningKeysModule,
        AccessModule,
        AuditModule,
        RolesModule,
        OrgUnitsModule,
        UsersModule,
        AuthModule,
        TenantsModule,
      ],
    };
  }
}
