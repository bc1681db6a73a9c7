import { Injectable, type OnModuleInit } from '@nestjs/common';
import { type EntityManager } from 'typeorm';
import { type CheckInState } from '@fieldforce/contracts';
import { localDate } from '../plans/visit-cycles';
import { TenantSettingsRepository } from '../settings/tenant-settings.repository';
import { type VisitTask } from '../tasks/dto/task.dto';
import { TasksRepository } from '../tasks/tasks.repository';
import { TasksService } from '../tasks/tasks.service';
import { VisitReportsService } from '../visit-reports/visit-reports.service';
import { CheckInsReadModel, type VisitCheckIn } from './check-ins-read-model';

/**
 * Drives a task's lifecycle from the check-ins: the assignee's check-in at the task's customer
 * starts it, the check-out completes it once every required step is reported (or the report
 * completes it when it comes after the check-out). Every step checks the task's status first, so
 * a replayed, reordered or late event changes nothing it should not.
 */
@Injectable()
export class VisitExecution implements OnModuleInit {
  constructor(
    private readonly checkIns: CheckInsReadModel,
    private readonly tasks: TasksRepository,
    private readonly lifecycle: TasksService,
    private readonly reports: VisitReportsService,
    private readonly settings: TenantSettingsRepository,
  ) {}

  onModuleInit(): void {
    this.reports.onReported((manager, task) => this.completeIfDone(manager, task));
  }

  /** Applies a check-in event's state in the consuming transaction of `manager`. */
  async follow(manager: EntityManager, state: CheckInState): Promise<void> {
    const checkIn = await this.checkIns.apply(manager, state);
    // Stale (an older version than the stored one), or a check-in a supervisor rejected: no effect.
    if (!checkIn || checkIn.status === 'rejected') return;
    let task = await this.taskOf(manager, checkIn, state);
    if (!task) return;
    if (checkIn.taskId !== task.id) await this.checkIns.linkTask(manager, checkIn.id, task.id);
    const arrivedAt = new Date(state.checkIn.point.capturedAt);
    // A planned task the rep visits without dispatch is dispatched to them on arrival.
    if (task.status === 'planned') task = await this.lifecycle.move(manager, task, 'dispatch', { assigneeId: checkIn.userId }, arrivedAt);
    if (task.status === 'dispatched') task = await this.lifecycle.move(manager, task, 'start', {}, arrivedAt);
    if (state.checkOut) await this.completeIfDone(manager, task, new Date(state.checkOut.point.capturedAt));
  }

  // The task a check-in is for: the one it names, when it is the assignee's at that customer; else
  // the assignee's open task there for the visit's local day. A check-in keeps the task it found first.
  private async taskOf(manager: EntityManager, checkIn: VisitCheckIn, state: CheckInState): Promise<VisitTask | undefined> {
    const named = checkIn.taskId ?? state.taskId;
    if (named) {
      const task = await this.tasks.lockById(manager, checkIn.tenantId, named);
      return task && task.customerId === checkIn.customerId && task.assigneeId === checkIn.userId ? task : undefined;
    }
    const day = localDate(state.checkIn.point.capturedAt, await this.settings.timeZone(checkIn.tenantId, manager));
    return this.tasks.lockOpenForVisit(manager, checkIn.tenantId, checkIn.customerId, checkIn.userId, day);
  }

  // Completes an in-progress task that is checked out (at `checkedOutAt`, else as stored) and has every required step reported.
  private async completeIfDone(manager: EntityManager, task: VisitTask, checkedOutAt?: Date): Promise<VisitTask> {
    if (task.status !== 'in_progress') return task;
    const at = checkedOutAt ?? (await this.checkIns.checkedOutAt(manager, task.tenantId, task.id));
    if (!at || !(await this.reports.requiredStepsReported(manager, task))) return task;
    return this.lifecycle.move(manager, task, 'complete', {}, at);
  }
}
