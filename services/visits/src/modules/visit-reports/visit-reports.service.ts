import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type AuthenticatedUser } from '@fieldforce/auth';
import { uuidv7, type VisitReportState } from '@fieldforce/contracts';
import { OutboxPublisher } from '@fieldforce/messaging';
import { IdempotentWrites } from '@fieldforce/persistence';
import { type IdempotencyKeyHeader, requestFingerprint, UploadVerifier, type VerifiedUploadsOf } from '@fieldforce/platform';
import { TemplatesRepository } from '../templates/templates.repository';
import { type VisitTask } from '../tasks/dto/task.dto';
import { type TaskStatus } from '../tasks/task-state-machine';
import { TaskException } from '../tasks/tasks.exception';
import { TasksRepository } from '../tasks/tasks.repository';
import { type SubmitReportDto } from './dto/submit-report.dto';
import { checkReportAnswers, hasRequiredAnswers, uploadReferences } from './report-answers';
import { ReportException } from './visit-reports.exception';
import { VisitReportsRepository } from './visit-reports.repository';

/**
 * The statuses that take a report: in progress (filled in on site, before the check-out) and
 * completed (a visit completed by hand or offline, whose report arrives afterwards).
 */
export const REPORTABLE_STATUSES: readonly TaskStatus[] = ['in_progress', 'completed'];

/** Reacts to a submitted report in its transaction (e.g. a task already checked out completes). */
export type ReportListener = (manager: EntityManager, task: VisitTask, report: VisitReportState) => Promise<VisitTask>;

/** Visit reports: the customer feedback of a visit, checked against the task's template version. */
@Injectable()
export class VisitReportsService {
  private readonly listeners: ReportListener[] = [];

  constructor(
    private readonly dataSource: DataSource,
    private readonly writes: IdempotentWrites,
    private readonly outbox: OutboxPublisher,
    private readonly reports: VisitReportsRepository,
    private readonly tasks: TasksRepository,
    private readonly templates: TemplatesRepository,
    private readonly uploads: UploadVerifier,
  ) {}

  /** Runs `listener` after every new report, in its transaction; the listener answers the task as it left it. */
  onReported(listener: ReportListener): void {
    this.listeners.push(listener);
  }

  /**
   * Stores the report of a task in the caller's scope and publishes `task.reported` with it. The
   * answers must fit the task's template version (422 listing each problem); the task must be in
   * progress or completed (409 naming its status). A task has one report: sending the same answers
   * again (or replaying the Idempotency-Key) answers the stored report and publishes nothing;
   * other answers are a 409. Photos and signatures must be complete uploads of the reporting user,
   * read from sync with `authorization` (the caller's own header): 422 naming the answer path
   * otherwise, 503 with nothing stored while sync cannot say. Sync is asked with no transaction open
   * (`UploadVerifier.verifiedWrite`), so a slow sync keeps the task unlocked.
   */
  async submit(
    user: AuthenticatedUser,
    taskId: string,
    input: SubmitReportDto,
    authorization: string,
    idempotency?: IdempotencyKeyHeader,
  ): Promise<VisitReportState> {
    const request = idempotency && { tenantId: user.tenantId, principal: user.userId, key: idempotency.key, fingerprint: idempotency.fingerprint };
    const write = (verified: VerifiedUploadsOf) =>
      this.writes.run(request, async (manager) => {
        const task = await this.tasks.find(user, taskId, manager, true);
        if (!task) throw TaskException.notFound(taskId);
        const template = await this.templates.findVersion(user.tenantId, task.templateId, task.templateVersion, manager);
        if (!template) throw TaskException.notFound(taskId);
        const { answers, errors } = checkReportAnswers(template.steps, input.answers);
        const existing = await this.reports.findForTask(manager, user.tenantId, task.id);
        if (existing) {
          const same = errors.length === 0 && requestFingerprint(existing.answers) === requestFingerprint(answers) && (input.id === undefined || input.id === existing.id);
          if (same) return existing;
          throw ReportException.alreadyReported(task.id, existing.id);
        }
        if (!REPORTABLE_STATUSES.includes(task.status)) throw ReportException.notReportable(task.id, task.status);
        if (errors.length > 0) throw ReportException.invalidAnswers(errors);
        // Last, after every check that needs no sync, so a replayed report is answered while sync is down.
        verified(uploadReferences(template.steps, answers));
        const now = new Date().toISOString();
        const report: VisitReportState = {
          id: input.id ?? uuidv7(),
          taskId: task.id,
          templateId: task.templateId,
          templateVersion: task.templateVersion,
          answers,
          submittedBy: user.userId,
          submittedAt: now,
        };
        if (!(await this.reports.insert(manager, user.tenantId, report))) throw ReportException.idTaken(report.id);
        let next: VisitTask = { ...task, reportedAt: now, version: task.version + 1, updatedAt: now };
        await this.tasks.update(manager, next);
        await this.outbox.publish(manager, 'fieldforce.visits.task.reported.v1', {
          subject: task.id,
          tenantId: task.tenantId,
          data: { task: next, changedFields: ['reportedAt'], report },
        });
        for (const listener of this.listeners) next = await listener(manager, next, report);
        return report;
      });
    const { result } = await this.uploads.verifiedWrite({ userId: user.userId, authorization }, write);
    return result;
  }

  /** The report of a task in the caller's scope. */
  async get(user: AuthenticatedUser, taskId: string, manager: EntityManager = this.dataSource.manager): Promise<VisitReportState> {
    const task = await this.tasks.find(user, taskId, manager);
    if (!task) throw TaskException.notFound(taskId);
    const report = await this.reports.findForTask(manager, user.tenantId, task.id);
    if (!report) throw ReportException.notFound(taskId);
    return report;
  }

  /** True when the task's report holds every required step its template version lists (check-in and check-out aside). */
  async requiredStepsReported(manager: EntityManager, task: VisitTask): Promise<boolean> {
    const template = await this.templates.findVersion(task.tenantId, task.templateId, task.templateVersion, manager);
    if (!template) return false;
    const report = await this.reports.findForTask(manager, task.tenantId, task.id);
    return hasRequiredAnswers(template.steps, report?.answers);
  }
}
