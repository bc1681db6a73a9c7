import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, type SelectQueryBuilder } from 'typeorm';
import { dataScopeCondition, type ScopeSubject } from '@fieldforce/auth';
import { type FieldStamps } from '@fieldforce/merge';
import { type ListTasksQuery, type VisitTask } from './dto/task.dto';
import { type TaskStatus } from './task-state-machine';
import { DEFAULT_PAGE_SIZE } from '@fieldforce/platform';

/** A visit task as stored. */
export interface TaskRow {
  id: string;
  tenant_id: string;
  customer_id: string;
  template_id: string;
  template_version: number;
  status: TaskStatus;
  assignee_id: string | null;
  org_path: string | null;
  due_date: string;
  cycle_key: string | null;
  cancel_reason: string | null;
  started_at: Date | null;
  completed_at: Date | null;
  reported_at: Date | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

const iso = (date: Date | null): string | null => (date === null ? null : new Date(date).toISOString());

/** A task row (selected with `taskColumns`) as the API shows it. */
export const toTask = (row: TaskRow): VisitTask => ({
  id: row.id,
  tenantId: row.tenant_id,
  customerId: row.customer_id,
  templateId: row.template_id,
  templateVersion: row.template_version,
  status: row.status,
  assigneeId: row.assignee_id,
  orgPath: row.org_path,
  dueDate: row.due_date,
  cycleKey: row.cycle_key,
  cancelReason: row.cancel_reason,
  startedAt: iso(row.started_at),
  completedAt: iso(row.completed_at),
  reportedAt: iso(row.reported_at),
  version: row.version,
  createdAt: new Date(row.created_at).toISOString(),
  updatedAt: new Date(row.updated_at).toISOString(),
});

/** The columns of table alias `alias` that `toTask` reads, the due date as `YYYY-MM-DD`. */
export const taskColumns = (alias: string): string =>
  ['id', 'tenant_id', 'customer_id', 'template_id', 'template_version', 'status', 'assignee_id', 'org_path', 'due_date', 'cycle_key', 'cancel_reason',
    'started_at', 'completed_at', 'reported_at', 'version', 'created_at', 'updated_at']
    .map((column) => (column === 'due_date' ? `to_char(${alias}.due_date, 'YYYY-MM-DD') AS due_date` : `${alias}.${column}`))
    .join(', ');

/** A page of tasks and the cursor of the next one (null on the last page). */
export interface TaskPage {
  items: VisitTask[];
  nextCursor: string | null;
}

const encodeCursor = (task: VisitTask): string => Buffer.from(`${task.dueDate}|${task.id}`).toString('base64url');
function decodeCursor(cursor: string): [string, string] | undefined {
  const [dueDate, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  return dueDate && id && /^\d{4}-\d{2}-\d{2}$/.test(dueDate) && /^[0-9a-f-]{36}$/.test(id) ? [dueDate, id] : undefined;
}

/** Reads and writes visit tasks; reads apply the caller's data scope on the assignee and org path. */
@Injectable()
export class TasksRepository {
  constructor(private readonly dataSource: DataSource) {}

  private scoped(manager: EntityManager, subject: ScopeSubject): SelectQueryBuilder<object> {
    const scope = dataScopeCondition(subject, { alias: 't', columns: { ownerId: 'assignee_id' } });
    return manager.createQueryBuilder().select(taskColumns('t')).from('visits.visit_tasks', 't').where(scope.sql, scope.parameters);
  }

  /** Inserts a task unless one with its id or cycle key exists; true when it was inserted. */
  async insert(manager: EntityManager, task: VisitTask): Promise<boolean> {
    const inserted = await manager.query<{ id: string }[]>(
      `INSERT INTO visits.visit_tasks (id, tenant_id, customer_id, template_id, template_version, status, assignee_id, org_path, due_date,
         cycle_key, version, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)
       ON CONFLICT DO NOTHING RETURNING id`,
      [task.id, task.tenantId, task.customerId, task.templateId, task.templateVersion, task.status, task.assigneeId, task.orgPath, task.dueDate, task.cycleKey, task.version, task.createdAt],
    );
    return inserted.length > 0;
  }

  /** Writes a changed task (all mutable fields) with its new version. */
  async update(manager: EntityManager, task: VisitTask): Promise<void> {
    await manager.query(
      `UPDATE visits.visit_tasks SET status = $2, assignee_id = $3, org_path = $4, due_date = $5, cancel_reason = $6, started_at = $7,
         completed_at = $8, reported_at = $9, version = $10, updated_at = $11 WHERE id = $1`,
      [task.id, task.status, task.assigneeId, task.orgPath, task.dueDate, task.cancelReason, task.startedAt, task.completedAt, task.reportedAt, task.version, task.updatedAt],
    );
  }

  /** The per-field change stamps of a task (libs/merge): at which version and rank each mergeable field last changed. */
  async stampsOf(manager: EntityManager, id: string): Promise<FieldStamps> {
    const [row] = await manager.query<{ field_stamps: FieldStamps }[]>('SELECT field_stamps FROM visits.visit_tasks WHERE id = $1', [id]);
    return row?.field_stamps ?? {};
  }

  /** Records `stamps` over a task's earlier ones (the fields a write changed, at its version and the writer's rank). */
  async addStamps(manager: EntityManager, id: string, stamps: FieldStamps): Promise<void> {
    await manager.query('UPDATE visits.visit_tasks SET field_stamps = field_stamps || $2::jsonb WHERE id = $1', [id, JSON.stringify(stamps)]);
  }

  /** The task if `subject` may see it; `lock` holds the row for a write. */
  async find(subject: ScopeSubject, id: string, manager: EntityManager = this.dataSource.manager, lock = false): Promise<VisitTask | undefined> {
    const query = this.scoped(manager, subject).andWhere('t.id = :id', { id });
    if (lock) query.setLock('pessimistic_write');
    const row = await query.getRawOne<TaskRow>();
    return row ? toTask(row) : undefined;
  }

  /** The tenant's task locked for a write, whoever's it is (for event consumers, which act for no user). */
  async lockById(manager: EntityManager, tenantId: string, id: string): Promise<VisitTask | undefined> {
    const [row] = await manager.query<TaskRow[]>(`SELECT ${taskColumns('t')} FROM visits.visit_tasks t WHERE t.tenant_id = $1 AND t.id = $2 FOR UPDATE`, [tenantId, id]);
    return row ? toTask(row) : undefined;
  }

  /**
   * The open task of `assigneeId` at the customer that a visit on local date `day` is for, locked:
   * among those due on or after that day, one under way first, else the one due soonest.
   */
  async lockOpenForVisit(manager: EntityManager, tenantId: string, customerId: string, assigneeId: string, day: string): Promise<VisitTask | undefined> {
    const [row] = await manager.query<TaskRow[]>(
      `SELECT ${taskColumns('t')} FROM visits.visit_tasks t
       WHERE t.tenant_id = $1 AND t.customer_id = $2 AND t.assignee_id = $3
         AND t.status IN ('planned', 'dispatched', 'in_progress') AND t.due_date >= CAST($4 AS date)
       ORDER BY t.status = 'in_progress' DESC, t.due_date, t.id LIMIT 1 FOR UPDATE`,
      [tenantId, customerId, assigneeId, day],
    );
    return row ? toTask(row) : undefined;
  }

  /** The tasks `subject` may see that match the filters, by due date then id, a page at a time. */
  async list(subject: ScopeSubject, filters: ListTasksQuery): Promise<TaskPage> {
    const limit = filters.limit ?? DEFAULT_PAGE_SIZE;
    const query = this.scoped(this.dataSource.manager, subject);
    if (filters.assigneeId) query.andWhere('t.assignee_id = :assigneeId', { assigneeId: filters.assigneeId });
    if (filters.customerId) query.andWhere('t.customer_id = :customerId', { customerId: filters.customerId });
    if (filters.status) query.andWhere('t.status = :status', { status: filters.status });
    if (filters.from) query.andWhere('t.due_date >= :from', { from: filters.from });
    if (filters.to) query.andWhere('t.due_date <= :to', { to: filters.to });
    const after = filters.cursor === undefined ? undefined : decodeCursor(filters.cursor);
    if (after) query.andWhere('(t.due_date, t.id) > (:afterDue, :afterId)', { afterDue: after[0], afterId: after[1] });
    const rows = await query.orderBy('t.due_date').addOrderBy('t.id').limit(limit + 1).getRawMany<TaskRow>();
    const items = rows.slice(0, limit).map(toTask);
    const last = items.at(-1);
    return { items, nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
  }
}
