import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { REMINDER_STATUSES, type ReminderStatus } from '@fieldforce/contracts';
import { PageCursor, PageLimit } from '@fieldforce/platform';

export class ListRemindersQuery {
  @ApiPropertyOptional({ enum: REMINDER_STATUSES, description: 'Only reminders in this status; default all' })
  @IsOptional()
  @IsIn(REMINDER_STATUSES)
  status?: ReminderStatus;

  @PageCursor()
  cursor?: string;

  @PageLimit()
  limit?: number;
}
