import { Module } from '@nestjs/common';
import { CustomersModule } from '../customers/customers.module';
import { TemplatesModule } from '../templates/templates.module';
import { TaskReassignment } from './task-reassignment';
import { TasksController } from './tasks.controller';
import { TasksRepository } from './tasks.repository';
import { TasksService } from './tasks.service';

/** Visit tasks and their guarded lifecycle. */
@Module({
  imports: [CustomersModule, TemplatesModule],
  controllers: [TasksController],
  providers: [TasksRepository, TasksService, TaskReassignment],
  exports: [TasksRepository, TasksService],
})
export class TasksModule {}
