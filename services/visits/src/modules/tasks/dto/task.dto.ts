import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { type VisitTaskState } from '@fieldforce/contracts';
import { TASK_STATUSES, type TaskStatus } from '../task-state-machine';
import { PageCursor, PageLimit } from '@fieldforce/platform';

export class CreateTaskDto {
  @ApiPropertyOptional({ description: 'Client-chosen id; defaults to a new UUIDv7' })
  @IsOptional()
  @IsUUID()
  id?: string;

  @ApiProperty()
  @IsUUID()
  customerId!: string;

  @ApiProperty({ example: '2024-07-18' })
  @IsISO8601({ strict: true })
  dueDate!: string;

  @ApiPropertyOptional({ description: "Defaults to the customer's owner" })
  @IsOptional()
  @IsUUID()
  assigneeId?: string;
}

export class UpdateTaskDto {
  @ApiPropertyOptional({ example: '2024-07-19' })
  @IsOptional()
  @IsISO8601({ strict: true })
  dueDate?: string;
}

export class DispatchTaskDto {
  @ApiProperty()
  @IsUUID()
  assigneeId!: string;
}

export class CancelTaskDto {
  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  reason!: string;
}

export class ListTasksQuery {
  @IsOptional()
  @IsUUID()
  assigneeId?: string;

  @IsOptional()
  @IsUUID()
  customerId?: string;

  @IsOptional()
  @IsIn(TASK_STATUSES)
  status?: TaskStatus;

  @ApiPropertyOptional({ description: 'Due on or after this date' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ description: 'Due on or before this date' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;

  @PageCursor()
  cursor?: string;

  @PageLimit()
  limit?: number;
}

/** A visit task as the API and its events show it. */
export type VisitTask = VisitTaskState;
