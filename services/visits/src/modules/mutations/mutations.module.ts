import { Module } from '@nestjs/common';
import { TasksModule } from '../tasks/tasks.module';
import { VisitReportsModule } from '../visit-reports/visit-reports.module';
import { MutationsController } from './mutations.controller';
import { MutationsService } from './mutations.service';

/** Offline changes of visit tasks and reports pushed through the sync service (`POST /internal/v1/mutations`). */
@Module({
  imports: [TasksModule, VisitReportsModule],
  controllers: [MutationsController],
  providers: [MutationsService],
})
export class MutationsModule {}
