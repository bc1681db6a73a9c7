import { Module } from '@nestjs/common';
import { ReminderScheduler } from './reminder-scheduler';
import { RemindersController } from './reminders.controller';
import { RemindersRepository } from './reminders.repository';
import { RemindersService } from './reminders.service';

/** Overdue and visit-due reminders: the leader-locked scheduler, and each recipient's list. */
@Module({
  controllers: [RemindersController],
  providers: [RemindersRepository, RemindersService, ReminderScheduler],
  exports: [RemindersService],
})
export class RemindersModule {}
