import { Injectable } from '@nestjs/common';
import { type AccessPolicy, type AuthenticatedUser } from '@fieldforce/auth';
import { type VisitReportState } from '@fieldforce/contracts';
import { type FieldConflict } from '@fieldforce/merge';
import {
  CommonException,
  type IdempotencyKeyHeader,
  type MutationResult,
  changesAs,
  requireMutationKey,
} from '@fieldforce/platform';
import { type VisitTask } from '../tasks/dto/task.dto';
import { TASK, taskChangeActions } from '../tasks/task-changes';
import { TasksService } from '../tasks/tasks.service';
import { VisitReportsService } from '../visit-reports/visit-reports.service';
import { ReportChangesDto, TaskChangesDto, type VisitMutationDto } from './dto/mutation.dto';
import { MutationException } from './mutations.exception';

// A report is one version, written once: it is final (see VisitReportsService.submit).
const REPORT_VERSION = 1;

/**
 * Offline changes pushed by the sync service on the user's behalf: a task's reschedule and status
 * change, a task's report. Each goes through the same service method as its REST route (scope,
 * action, field rules, events), once per Idempotency-Key.
 */
@Injectable()
export class MutationsService {
  constructor(
    private readonly tasks: TasksService,
    private readonly reports: VisitReportsService,
  ) {}

  /**
   * Applies one mutation once per Idempotency-Key (`<clientId>:<mutationId>`, required): a replay
   * answers the stored result, another payload under the key is a 422. Bad input and refusals are
   * 4xx problems and change nothing (sync records them as `rejected`). `authorization` is the
   * caller's own header, with which a report's uploads are verified at sync.
   */
  async apply(
    user: AuthenticatedUser,
    policy: AccessPolicy,
    mutation: VisitMutationDto,
    authorization: string,
    idempotencyHeader: IdempotencyKeyHeader | undefined,
  ): Promise<MutationResult<VisitTask | VisitReportState>> {
    const idempotency = requireMutationKey(idempotencyHeader);
    switch (mutation.entity) {
      case 'visit-task':
        return this.applyToTask(user, policy, mutation, idempotency);
      case 'visit-report':
        return this.applyToReport(user, policy, mutation, authorization, idempotency);
      default: {
        const unknownEntity: never = mutation.entity;
        throw new TypeError(`unknown mutation entity ${String(unknownEntity)}`);
      }
    }
  }

  private async applyToTask(
    user: AuthenticatedUser,
    policy: AccessPolicy,
    mutation: VisitMutationDto,
    idempotency: IdempotencyKeyHeader,
  ): Promise<MutationResult<VisitTask>> {
    if (mutation.op !== 'update') {
      throw MutationException.opNotSupported('visit-task', mutation.op, 'tasks are planned on the server and cancelled, never deleted (update its status)');
    }
    const changes = mutation.changes ?? {};
    if ('version' in changes) throw CommonException.validationFailed([{ field: 'changes.version', message: 'the version is baseVersion' }]);
    const input = changesAs(TaskChangesDto, changes);
    if (input.status === 'cancelled' && input.cancelReason === undefined) {
      throw CommonException.validationFailed([{ field: 'changes.cancelReason', message: 'is required to cancel a task' }]);
    }
    if (input.cancelReason !== undefined && input.status !== 'cancelled') {
      throw CommonException.validationFailed([{ field: 'changes.cancelReason', message: 'goes only with status cancelled' }]);
    }
    for (const action of taskChangeActions(input)) policy.assertCan(action);
    const base = { baseVersion: mutation.baseVersion ?? 0, base: mutation.base ?? {} };
    const { task, status, conflicts } = await this.tasks.applyChange(user, policy, mutation.entityId, input, base, idempotency);
    return {
      status,
      version: task.version,
      ...(conflicts.length > 0 ? { conflicts: readableConflicts(policy, conflicts) } : {}),
      data: policy.maskReadable(TASK, task),
    };
  }

  private async applyToReport(
    user: AuthenticatedUser,
    policy: AccessPolicy,
    mutation: VisitMutationDto,
    authorization: string,
    idempotency: IdempotencyKeyHeader,
  ): Promise<MutationResult<VisitReportState>> {
    if (mutation.op !== 'create') {
      throw MutationException.opNotSupported('visit-report', mutation.op, 'a report is final once submitted');
    }
    // The action of POST /visit-tasks/:id/report.
    policy.assertCan('task:update');
    const changes = mutation.changes ?? {};
    if ('id' in changes && changes['id'] !== mutation.entityId) {
      throw CommonException.validationFailed([{ field: 'changes.id', message: 'must be the entityId when given' }]);
    }
    const input = changesAs(ReportChangesDto, { ...changes, id: mutation.entityId });
    const report = await this.reports.submit(user, input.taskId, { id: mutation.entityId, answers: input.answers }, authorization, idempotency);
    return { status: 'applied', version: REPORT_VERSION, data: report };
  }
}

/** The conflicts as the user may read them: values of a field they may not read become null. */
function readableConflicts(policy: AccessPolicy, conflicts: readonly FieldConflict[]): FieldConflict[] {
  const readable = (field: string, value: unknown): unknown => (policy.maskReadable(TASK, { [field]: value }) as Record<string, unknown>)[field] ?? null;
  return conflicts.map((conflict) => ({
    ...conflict,
    base: readable(conflict.field, conflict.base),
    server: readable(conflict.field, conflict.server),
    client: readable(conflict.field, conflict.client),
  }));
}
