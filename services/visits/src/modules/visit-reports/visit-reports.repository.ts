import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';
import { type VisitReportState, type VisitStepAnswer } from '@fieldforce/contracts';

interface ReportRow {
  id: string;
  task_id: string;
  template_id: string;
  template_version: number;
  answers: Record<string, VisitStepAnswer>;
  submitted_by: string;
  submitted_at: Date;
}

const toReport = (row: ReportRow): VisitReportState => ({
  id: row.id,
  taskId: row.task_id,
  templateId: row.template_id,
  templateVersion: row.template_version,
  answers: row.answers,
  submittedBy: row.submitted_by,
  submittedAt: new Date(row.submitted_at).toISOString(),
});

/** Stores visit reports, one per task. */
@Injectable()
export class VisitReportsRepository {
  /** Inserts the report; false when its id is taken already. */
  async insert(manager: EntityManager, tenantId: string, report: VisitReportState): Promise<boolean> {
    const inserted = await manager.query<unknown[]>(
      `INSERT INTO visits.visit_reports (id, tenant_id, task_id, template_id, template_version, answers, submitted_by, submitted_at)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8) ON CONFLICT (id) DO NOTHING RETURNING 1`,
      [report.id, tenantId, report.taskId, report.templateId, report.templateVersion, JSON.stringify(report.answers), report.submittedBy, report.submittedAt],
    );
    return inserted.length > 0;
  }

  /** The report of the tenant's task, if it has one. */
  async findForTask(manager: EntityManager, tenantId: string, taskId: string): Promise<VisitReportState | undefined> {
    const [row] = await manager.query<ReportRow[]>('SELECT * FROM visits.visit_reports WHERE tenant_id = $1 AND task_id = $2', [tenantId, taskId]);
    return row ? toReport(row) : undefined;
  }
}
