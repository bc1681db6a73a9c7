import { DomainException, type FieldError, mapDomainErrors } from '@fieldforce/platform';
import { type TaskStatus } from '../tasks/task-state-machine';

export enum ReportErrorCode {
  /** Answers missing for required steps, or not what their steps demand. */
  InvalidAnswers = 'REPORT_INVALID_ANSWERS',
  /** The task is in a status that takes no report. */
  NotReportable = 'REPORT_TASK_NOT_REPORTABLE',
  /** The task has a report already, with other answers. */
  AlreadyReported = 'REPORT_ALREADY_SUBMITTED',
  /** The client-chosen report id belongs to another task's report. */
  IdTaken = 'REPORT_ID_TAKEN',
  NotFound = 'REPORT_NOT_FOUND',
}

export class ReportException extends DomainException<ReportErrorCode> {
  static invalidAnswers(errors: FieldError[]): ReportException {
    return new ReportException(ReportErrorCode.InvalidAnswers, `the report does not fit the task's template: ${errors.length} problem(s)`, { errors });
  }

  static notReportable(taskId: string, status: TaskStatus): ReportException {
    return new ReportException(ReportErrorCode.NotReportable, `visit task ${taskId} is ${status}; only a task in progress or completed takes a report`, {
      details: { id: taskId, currentStatus: status },
    });
  }

  static alreadyReported(taskId: string, reportId: string): ReportException {
    return new ReportException(ReportErrorCode.AlreadyReported, `visit task ${taskId} already has report ${reportId} with other answers; a report is final`, {
      details: { id: taskId, reportId },
    });
  }

  static idTaken(reportId: string): ReportException {
    return new ReportException(ReportErrorCode.IdTaken, `report id ${reportId} belongs to another task's report`, {
      errors: [{ field: 'id', message: "is the id of another task's report" }],
    });
  }

  static notFound(taskId: string): ReportException {
    return new ReportException(ReportErrorCode.NotFound, `visit task ${taskId} has no report`, { details: { id: taskId } });
  }
}

export const reportProblems = mapDomainErrors(ReportException, (code: ReportErrorCode) => {
  switch (code) {
    case ReportErrorCode.InvalidAnswers:
      return { status: 422, title: 'Invalid visit report' };
    case ReportErrorCode.NotReportable:
      return { status: 409, title: 'Task takes no report' };
    case ReportErrorCode.AlreadyReported:
      return { status: 409, title: 'Task already reported' };
    case ReportErrorCode.IdTaken:
      return { status: 409, title: 'Report id taken' };
    case ReportErrorCode.NotFound:
      return { status: 404, title: 'Visit report not found' };
    default: {
      const unmapped: never = code;
      throw new TypeError(`unmapped report error code ${String(unmapped)}`);
    }
  }
});
