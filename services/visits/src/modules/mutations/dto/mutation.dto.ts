import { IsIn, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { MutationEnvelopeDto } from '@fieldforce/platform';
import { UpdateTaskDto } from '../../tasks/dto/task.dto';
import { DEVICE_TASK_STATUSES, type DeviceTaskStatus } from '../../tasks/task-changes';
import { SubmitReportDto } from '../../visit-reports/dto/submit-report.dto';

/** A device's offline change of a visit task or its report, as sync forwards it (the shared mutation envelope). */
export class VisitMutationDto extends MutationEnvelopeDto(['visit-task', 'visit-report']) {}

/** `changes` of a `visit-task` update: the due date as `PATCH /visit-tasks/:id` takes it, the status a device moves the task to, a cancel's reason. */
export class TaskChangesDto extends UpdateTaskDto {
  @IsOptional()
  @IsIn(DEVICE_TASK_STATUSES)
  status?: DeviceTaskStatus;

  // As `POST /visit-tasks/:id/cancel` takes its reason.
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  cancelReason?: string;
}

/** `changes` of a `visit-report` create: the task reported on and the body of `POST /visit-tasks/:id/report` (its `id` is the entityId). */
export class ReportChangesDto extends SubmitReportDto {
  @IsUUID()
  taskId!: string;
}
