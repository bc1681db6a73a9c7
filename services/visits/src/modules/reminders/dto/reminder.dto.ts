import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { REMINDER_STATUSES, type ReminderStatus } from '@fieldforce/contracts';

export class ListRemindersQuery {
  @ApiPropertyOptional({ enum: REMINDER_STATUSES, description: 'Only reminders in this status; default all' })
  @IsOptional()
  @IsIn(REMINDER_STATUSES)
  status?: ReminderStatus;

  @IsOptional()
  @IsString()
  cursor?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}
