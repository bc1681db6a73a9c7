import { Module } from '@nestjs/common';
import { IdempotentWritesModule } from '@fieldforce/persistence';
import { TasksModule } from '../tasks/tasks.module';
import { TemplatesModule } from '../templates/templates.module';
import { VisitReportsController } from './visit-reports.controller';
import { VisitReportsRepository } from './visit-reports.repository';
import { VisitReportsService } from './visit-reports.service';

/** Visit reports: answers per step, checked against the task's template version. */
@Module({
  imports: [TasksModule, TemplatesModule, IdempotentWritesModule.forSchema('visits')],
  controllers: [VisitReportsController],
  providers: [VisitReportsRepository, VisitReportsService],
  exports: [VisitReportsService],
})
export class VisitReportsModule {}
