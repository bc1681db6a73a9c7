import { type DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '@fieldforce/auth';
import { MessagingModule } from '@fieldforce/messaging';
import { ObservabilityModule } from '@fieldforce/observability';
import { PersistenceModule } from '@fieldforce/persistence';
import { RedisModule, UploadsModule } from '@fieldforce/platform';
import { type VisitsConfig } from './config/visits.config';
import { CheckInsModule } from './modules/check-ins/check-ins.module';
import { CoverageModule } from './modules/coverage-reports/coverage-reports.module';
import { CustomersModule } from './modules/customers/customers.module';
import { MutationsModule } from './modules/mutations/mutations.module';
import { PlansModule } from './modules/plans/plans.module';
import { RemindersModule } from './modules/reminders/reminders.module';
import { RoutesModule } from './modules/routes/routes.module';
import { SettingsModule } from './modules/settings/settings.module';
import { TasksModule } from './modules/tasks/tasks.module';
import { TemplatesModule } from './modules/templates/templates.module';
import { VisitReportsModule } from './modules/visit-reports/visit-reports.module';

/** The visits service: its schema, its outbox, its access control, its features. */
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
        RedisModule.forRoot(config.redis),
        AuthModule.forRoot(config.auth),
        UploadsModule.forRoot(config.uploads),
        CustomersModule,
        TemplatesModule,
        TasksModule,
        SettingsModule,
        PlansModule,
        VisitReportsModule,
        CheckInsModule,
        CoverageModule,
        RoutesModule,
        RemindersModule,
        MutationsModule,
      ],
    };
  }
}
