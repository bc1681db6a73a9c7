import { Module } from '@nestjs/common';
import { IdempotentWritesModule } from '@fieldforce/persistence';
import { CustomersModule } from '../customers/customers.module';
import { TemplatesModule } from '../templates/templates.module';
import { MissedTasks } from './missed-tasks';
import { TaskReassignment } from './task-reassignment';
import { TasksController } from './tasks.controller';
import { TasksRepository } from './tasks.repository';
import { TasksService } from './tasks.service';

/** Visit tasks and their guarded lifecycle. */
@Module({
  imports: [CustomersModule, TemplatesModule, IdempotentWritesModule.forSchema('visits')],
  controllers: [TasksController],
  providers: [TasksRepository, TasksService, TaskReassignment, MissedTasks],
  exports: [TasksRepository, TasksService, MissedTasks],
})
export class TasksModule {}
