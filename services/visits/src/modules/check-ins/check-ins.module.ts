import { Module } from '@nestjs/common';
import { SettingsModule } from '../settings/settings.module';
import { TasksModule } from '../tasks/tasks.module';
import { VisitReportsModule } from '../visit-reports/visit-reports.module';
import { CheckInFeedSubscriber } from './check-in-feed.subscriber';
import { CheckInsReadModel } from './check-ins-read-model';
import { VisitExecution } from './visit-execution';

/** The check-ins this service follows (read model of the check-in events), which start and complete tasks. */
@Module({
  imports: [TasksModule, VisitReportsModule, SettingsModule],
  providers: [CheckInsReadModel, VisitExecution, CheckInFeedSubscriber],
  exports: [CheckInsReadModel, VisitExecution],
})
export class CheckInsModule {}
