import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type AccessPolicy, type AuthenticatedUser, isInScope } from '@fieldforce/auth';
import { uuidv7 } from '@fieldforce/contracts';
import { type FieldConflict, stamp, threeWayMerge } from '@fieldforce/merge';
import { OutboxPublisher } from '@fieldforce/messaging';
import { IdempotentWrites } from '@fieldforce/persistence';
import { type IdempotencyKeyHeader } from '@fieldforce/platform';
import { CustomersReadModel } from '../customers/customers-read-model';
import { TemplatesRepository } from '../templates/templates.repository';
import { type CreateTaskDto, type ListTasksQuery, type UpdateTaskDto, type VisitTask } from './dto/task.dto';
import { DEVICE_TRANSITIONS, TASK, type TaskChange, type TaskChangeBase, type TaskChangeResult } from './task-changes';
import { changedTaskFields, plannedTaskFields, taskEvent, TRANSITION_EVENTS } from './task-events';
import { nextStatus, type TaskTransition } from './task-state-machine';
import { TaskException } from './tasks.exception';
import { type TaskPage, TasksRepository } from './tasks.repository';

/** The change a transition makes besides the status, e.g. the new assignee of a dispatch. */
export interface TransitionInput {
  assigneeId?: string;
  reason?: string;
}

/** Visit tasks: ad hoc creation, reads within the caller's scope, and the guarded lifecycle. */
@Injectable()
export class TasksService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly writes: IdempotentWrites,
    private readonly outbox: OutboxPublisher,
    private readonly tasks: TasksRepository,
    private readonly customers: CustomersReadModel,
    private readonly templates: TemplatesRepository,
  ) {}

  /** Creates a planned task for a visible customer, following the current template of the customer's grade. */
  async create(user: AuthenticatedUser, input: CreateTaskDto): Promise<VisitTask> {
    return this.dataSource.transaction(async (manager) => {
      const customer = await this.customers.find(user.tenantId, input.customerId, manager);
      if (!customer || customer.deletedAt !== null || !isInScope(user, customer)) throw TaskException.customerUnknown(input.customerId);
      const template = await this.templates.findForGrade(user.tenantId, customer.grade, manager);
      if (!template) throw TaskException.noTemplate(customer.grade);
      const now = new Date().toISOString();
      const task: VisitTask = {
        id: input.id ?? uuidv7(),
        tenantId: user.tenantId,
        customerId: customer.id,
        templateId: template.id,
        templateVersion: template.version,
        status: 'planned',
        assigneeId: input.assigneeId ?? customer.ownerId,
        orgPath: customer.orgPath,
        dueDate: input.dueDate,
        cycleKey: null,
        cancelReason: null,
        startedAt: null,
        completedAt: null,
        reportedAt: null,
        version: 1,
        createdAt: now,
        updatedAt: now,
      };
      if (!(await this.tasks.insert(manager, task))) {
        const existing = await this.tasks.find(user, task.id, manager);
        if (existing) return existing;
        throw TaskException.notFound(task.id);
      }
      await this.outbox.publishAll(manager, [taskEvent('fieldforce.visits.task.planned.v1', task, plannedTaskFields(task))]);
      return task;
    });
  }

  async get(user: AuthenticatedUser, id: string): Promise<VisitTask> {
    const task = await this.tasks.find(user, id);
    if (!task) throw TaskException.notFound(id);
    return task;
  }

  async list(user: AuthenticatedUser, query: ListTasksQuery): Promise<TaskPage> {
    return this.tasks.list(user, query);
  }

  /**
   * Reschedules an open task; `expectedVersion` (If-Match) must be current when given. A due date
   * the `task` field rules do not let the user write is a 403 naming it.
   */
  async update(user: AuthenticatedUser, policy: AccessPolicy, id: string, input: UpdateTaskDto, expectedVersion: number | undefined): Promise<VisitTask> {
    return this.dataSource.transaction(async (manager) => {
      const task = await this.tasks.find(user, id, manager, true);
      if (!task) throw TaskException.notFound(id);
      if (expectedVersion !== undefined && expectedVersion !== task.version) throw TaskException.versionMismatch(id, task.version);
      if (input.dueDate === undefined || input.dueDate === task.dueDate) return task;
      return this.reschedule(manager, user, policy, task, input.dueDate);
    });
  }

  /**
   * Applies a device's offline change of a task in the user's scope (sync push), once per
   * Idempotency-Key: the due date is merged three-way with the reschedules made on the server since
   * the device's base (per-field stamps, the higher role rank wins, equal ranks by arrival); then a
   * status the task does not have yet is reached by its transition, as REST's start / complete /
   * cancel route would (a transition its status no longer allows is a 409 and nothing applies).
   * Each change publishes the event its REST route publishes. Actions are the caller's to check.
   */
  async applyChange(
    user: AuthenticatedUser,
    policy: AccessPolicy,
    id: string,
    change: TaskChange,
    base: TaskChangeBase,
    idempotency?: IdempotencyKeyHeader,
  ): Promise<TaskChangeResult> {
    const request = idempotency && { tenantId: user.tenantId, principal: user.userId, key: idempotency.key, fingerprint: idempotency.fingerprint };
    const { result } = await this.writes.run(request, async (manager): Promise<TaskChangeResult> => {
      let task = await this.tasks.find(user, id, manager, true);
      if (!task) throw TaskException.notFound(id);
      let conflicts: FieldConflict[] = [];
      if (change.dueDate !== undefined && change.dueDate !== task.dueDate) {
        const merged = threeWayMerge({
          baseVersion: base.baseVersion,
          base: base.base,
          changes: { dueDate: change.dueDate },
          server: { dueDate: task.dueDate },
          stamps: await this.tasks.stampsOf(manager, task.id),
          clientRank: user.rank,
        });
        conflicts = merged.conflicts;
        const dueDate = merged.apply.dueDate;
        if (typeof dueDate === 'string') task = await this.reschedule(manager, user, policy, task, dueDate);
      }
      if (change.status !== undefined && change.status !== task.status) {
        task = await this.move(manager, task, DEVICE_TRANSITIONS[change.status], { reason: change.cancelReason });
      }
      return { task, status: conflicts.length > 0 ? 'merged' : 'applied', conflicts };
    });
    return result;
  }

  // The one reschedule of REST and sync: the field rules, the new version, the due date's stamp, the event.
  private async reschedule(manager: EntityManager, user: AuthenticatedUser, policy: AccessPolicy, task: VisitTask, dueDate: string): Promise<VisitTask> {
    policy.assertWritable(TASK, { dueDate });
    const next = { ...task, dueDate, version: task.version + 1, updatedAt: new Date().toISOString() };
    await this.tasks.update(manager, next);
    await this.tasks.addStamps(manager, task.id, stamp({}, ['dueDate'], next.version, user.rank));
    await this.outbox.publishAll(manager, [taskEvent('fieldforce.visits.task.rescheduled.v1', next, ['dueDate'])]);
    return next;
  }

  /** Moves the task through its lifecycle; a transition its status does not allow is a 409 naming that status. */
  async transition(user: AuthenticatedUser, id: string, transition: TaskTransition, input: TransitionInput = {}): Promise<VisitTask> {
    return this.dataSource.transaction(async (manager) => {
      const task = await this.tasks.find(user, id, manager, true);
      if (!task) throw TaskException.notFound(id);
      return this.move(manager, task, transition, input);
    });
  }

  /**
   * Applies one transition to a task the caller locked in the transaction of `manager`, and
   * publishes its event there; `at` is when it happened (default now). The one path every entry
   * point (REST, check-in events) takes through the lifecycle.
   */
  async move(manager: EntityManager, task: VisitTask, transition: TaskTransition, input: TransitionInput = {}, at = new Date()): Promise<VisitTask> {
    const status = nextStatus(task.status, transition);
    if (!status) throw TaskException.illegalTransition(task.id, task.status, transition);
    const now = at.toISOString();
    const next: VisitTask = { ...task, status, version: task.version + 1, updatedAt: new Date().toISOString() };
    if (transition === 'dispatch' && input.assigneeId) next.assigneeId = input.assigneeId;
    if (transition === 'start') next.startedAt = now;
    if (transition === 'complete') next.completedAt = now;
    if (transition === 'cancel') next.cancelReason = input.reason ?? null;
    await this.tasks.update(manager, next);
    await this.outbox.publishAll(manager, [taskEvent(TRANSITION_EVENTS[transition], next, changedTaskFields(task, next))]);
    return next;
  }
}
