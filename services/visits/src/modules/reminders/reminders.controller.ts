import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { type ReminderState } from '@fieldforce/contracts';
import { type AuthenticatedUser, CurrentUser, RequireAction } from '@fieldforce/auth';
import { ListRemindersQuery } from './dto/reminder.dto';
import { type ReminderPage } from './reminders.repository';
import { RemindersService } from './reminders.service';

@ApiTags('reminders')
@ApiBearerAuth()
@Controller('api/v1/reminders')
export class RemindersController {
  constructor(private readonly reminders: RemindersService) {}

  @Get()
  @RequireAction('task:read')
  async list(@CurrentUser() user: AuthenticatedUser, @Query() query: ListRemindersQuery): Promise<ReminderPage> {
    return this.reminders.list(user, query);
  }

  @Post(':id/dismiss')
  @HttpCode(200)
  @RequireAction('task:read')
  async dismiss(@CurrentUser() user: AuthenticatedUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<ReminderState> {
    return this.reminders.dismiss(user, id);
  }
}
