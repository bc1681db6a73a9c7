import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type ReminderState, type ReminderStatus } from '@fieldforce/contracts';

interface ReminderRow {
  id: string;
  tenant_id: string;
  kind: ReminderState['kind'];
  status: ReminderStatus;
  recipient_id: string | null;
  org_path: string | null;
  task_id: string;
  customer_id: string;
  cycle_key: string | null;
  task_due_date: string;
  due_at: Date;
  fired_at: Date;
  closed_at: Date | null;
  closed_by: string | null;
  version: number;
}

const toReminder = (row: ReminderRow): ReminderState => ({
  id: row.id,
  tenantId: row.tenant_id,
  kind: row.kind,
  status: row.status,
  recipientId: row.recipient_id,
  orgPath: row.org_path,
  taskId: row.task_id,
  customerId: row.customer_id,
  cycleKey: row.cycle_key,
  taskDueDate: row.task_due_date,
  dueAt: new Date(row.due_at).toISOString(),
  firedAt: new Date(row.fired_at).toISOString(),
  closedAt: row.closed_at === null ? null : new Date(row.closed_at).toISOString(),
  closedBy: row.closed_by,
  version: row.version,
});

const RETURNING = `RETURNING id, tenant_id, kind, status, recipient_id, org_path, task_id, customer_id, cycle_key,
  to_char(task_due_date, 'YYYY-MM-DD') AS task_due_date, due_at, fired_at, closed_at, closed_by, version`;

// Statuses of a task that still needs its visit: a missed task is past due and still unvisited.
const UNFINISHED = `('planned', 'dispatched', 'in_progress', 'missed')`;
const FINISHED = `('completed', 'cancelled')`;

// A reminder still open whose task has meanwhile finished reads as resolved, even before the
// scheduler's next pass writes that down.
const EFFECTIVE_STATUS = `CASE WHEN r.status = 'open' AND t.status IN ${FINISHED} THEN 'resolved' ELSE r.status END`;
const LIST_COLUMNS = `r.id, r.tenant_id, r.kind, ${EFFECTIVE_STATUS} AS status, r.recipient_id, r.org_path, r.task_id, r.customer_id, r.cycle_key,
  to_char(r.task_due_date, 'YYYY-MM-DD') AS task_due_date, r.due_at, r.fired_at,
  CASE WHEN r.status = 'open' AND t.status IN ${FINISHED} THEN t.updated_at ELSE r.closed_at END AS closed_at, r.closed_by, r.version`;

const utcDate = (instant: Date): string => instant.toISOString().slice(0, 10);

/** A page of reminders and the cursor of the next one (null on the last page). */
export interface ReminderPage {
  items: ReminderState[];
  nextCursor: string | null;
}

const encodeCursor = (reminder: ReminderState): string => Buffer.from(`${reminder.firedAt}|${reminder.id}`).toString('base64url');
function decodeCursor(cursor: string): [string, string] | undefined {
  const [firedAt, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  return firedAt && id && !Number.isNaN(Date.parse(firedAt)) && /^[0-9a-f-]{36}$/.test(id) ? [firedAt, id] : undefined;
}

/** Reminders: the scheduler's set-based firing, the fence, and the recipients' reads and dismissals. */
@Injectable()
export class RemindersRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Records `token` as the newest fencing token of scheduler `name`, unless a larger one was
   * recorded: false means a newer leader has written, and this one must not. Holds the fence row
   * until the transaction ends, so two passes never run at once.
   */
  async claimFence(manager: EntityManager, name: string, token: number): Promise<boolean> {
    const rows = await manager.query<unknown[]>(
      `INSERT INTO visits.scheduler_fences (name, token) VALUES ($1, $2)
       ON CONFLICT (name) DO UPDATE SET token = EXCLUDED.token, updated_at = now() WHERE visits.scheduler_fences.token <= EXCLUDED.token
       RETURNING token`,
      [name, token],
    );
    return rows.length > 0;
  }

  /** Closes the open reminders whose task was completed or cancelled. */
  async resolveFinished(manager: EntityManager, now: Date): Promise<number> {
    const [, affected] = await manager.query<[unknown[], number]>(
      `UPDATE visits.reminders r SET status = 'resolved', closed_at = CAST($1 AS timestamptz), version = r.version + 1
       FROM visits.visit_tasks t
       WHERE r.status = 'open' AND t.id = r.task_id AND t.status IN ${FINISHED}`,
      [now],
    );
    return affected;
  }

  /**
   * A task-overdue reminder for every unfinished task whose due time (the end of its due date in
   * its tenant's time zone) passed at most `lookbackDays` ago and that has none yet.
   */
  async fireOverdue(manager: EntityManager, now: Date, lookbackDays: number, token: number): Promise<ReminderState[]> {
    const rows = await manager.query<ReminderRow[]>(
      `WITH due AS MATERIALIZED (
         SELECT t.id, t.tenant_id, t.customer_id, t.assignee_id, t.org_path, t.cycle_key, t.due_date,
           CAST(t.due_date + 1 AS timestamp) AT TIME ZONE COALESCE(s.time_zone, 'UTC') AS due_at
         FROM visits.visit_tasks t
         LEFT JOIN visits.tenant_settings s ON s.tenant_id = t.tenant_id
         WHERE t.status IN ${UNFINISHED}
           -- Dates are local to each tenant: a day of slack either side of the UTC bounds.
           AND t.due_date BETWEEN CAST($4 AS date) - (CAST($2 AS integer) + 2) AND CAST($4 AS date) + 1
       )
       INSERT INTO visits.reminders (id, tenant_id, kind, status, recipient_id, org_path, task_id, customer_id, cycle_key, task_due_date,
         due_at, fired_at, fence_token, version)
       SELECT gen_random_uuid(), d.tenant_id, 'task-overdue', 'open', d.assignee_id, d.org_path, d.id, d.customer_id, d.cycle_key, d.due_date,
         d.due_at, CAST($1 AS timestamptz), $3, 1
       FROM due d
       WHERE d.due_at <= CAST($1 AS timestamptz) AND d.due_at > CAST($1 AS timestamptz) - make_interval(days => CAST($2 AS integer))
         AND NOT EXISTS (SELECT 1 FROM visits.reminders r WHERE r.tenant_id = d.tenant_id AND r.task_id = d.id AND r.kind = 'task-overdue')
       ORDER BY d.due_at, d.id
       ON CONFLICT DO NOTHING
       ${RETURNING}`,
      [now, lookbackDays, token, utcDate(now)],
    );
    return rows.map(toReminder);
  }

  /**
   * A visit-due reminder for every customer cycle that ends within `leadSeconds`, whose task is
   * still open and in which no visit of the customer was completed, unless it has one already.
   * The cycle comes from the task's cycle key as plan generation writes it (`<n>w:<Monday>`,
   * `<n>m:<YYYY-MM>`), in the tenant's time zone.
   */
  async fireVisitDue(manager: EntityManager, now: Date, leadSeconds: number, token: number): Promise<ReminderState[]> {
    const rows = await manager.query<ReminderRow[]>(
      `WITH cycle_task AS MATERIALIZED (
         SELECT t.id, t.tenant_id, t.customer_id, t.assignee_id, t.org_path, t.cycle_key, t.due_date, COALESCE(s.time_zone, 'UTC') AS time_zone,
           CAST(substring(t.cycle_key from '^(\\d+)[wm]:') AS integer) AS every,
           substring(t.cycle_key from '^\\d+([wm]):') AS unit,
           CAST(CASE WHEN t.cycle_key ~ '^\\d+w:' THEN split_part(t.cycle_key, ':', 2) ELSE split_part(t.cycle_key, ':', 2) || '-01' END AS date) AS starts_on
         FROM visits.visit_tasks t
         LEFT JOIN visits.tenant_settings s ON s.tenant_id = t.tenant_id
         WHERE t.status IN ('planned', 'dispatched', 'in_progress')
           AND t.cycle_key ~ '^\\d+(w:\\d{4}-\\d{2}-\\d{2}|m:\\d{4}-\\d{2})$'
           -- A task is due within its cycle, which ends at most the lead time from now and began at most a year before.
           AND t.due_date BETWEEN CAST($4 AS date) - 400 AND CAST($4 AS date) + CAST(ceil(CAST($2 AS double precision) / 86400) AS integer) + 1
       ), cycle AS MATERIALIZED (
         SELECT c.*, CAST(c.starts_on AS timestamp) AT TIME ZONE c.time_zone AS starts_at,
           CAST(CASE WHEN c.unit = 'w' THEN c.starts_on + 7 * c.every ELSE CAST(c.starts_on + make_interval(months => c.every) AS date) END AS timestamp)
             AT TIME ZONE c.time_zone AS ends_at
         FROM cycle_task c
       )
       INSERT INTO visits.reminders (id, tenant_id, kind, status, recipient_id, org_path, task_id, customer_id, cycle_key, task_due_date,
         due_at, fired_at, fence_token, version)
       SELECT gen_random_uuid(), c.tenant_id, 'visit-due', 'open', c.assignee_id, c.org_path, c.id, c.customer_id, c.cycle_key, c.due_date,
         c.ends_at, CAST($1 AS timestamptz), $3, 1
       FROM cycle c
       WHERE c.ends_at > CAST($1 AS timestamptz) AND c.ends_at - make_interval(secs => CAST($2 AS double precision)) <= CAST($1 AS timestamptz)
         AND NOT EXISTS (
           SELECT 1 FROM visits.visit_tasks done
           WHERE done.tenant_id = c.tenant_id AND done.customer_id = c.customer_id AND done.status = 'completed' AND done.completed_at >= c.starts_at)
         AND NOT EXISTS (
           SELECT 1 FROM visits.reminders r WHERE r.tenant_id = c.tenant_id AND r.customer_id = c.customer_id AND r.cycle_key = c.cycle_key AND r.kind = 'visit-due')
       ORDER BY c.ends_at, c.id
       ON CONFLICT DO NOTHING
       ${RETURNING}`,
      [now, leadSeconds, token, utcDate(now)],
    );
    return rows.map(toReminder);
  }

  /** The reminders of `recipientId`, newest first, optionally of one (effective) status, a page at a time. */
  async list(tenantId: string, recipientId: string, status: ReminderStatus | undefined, cursor: string | undefined, limit: number): Promise<ReminderPage> {
    const conditions = ['r.tenant_id = $1', 'r.recipient_id = $2'];
    const parameters: unknown[] = [tenantId, recipientId];
    if (status) {
      parameters.push(status);
      conditions.push(`${EFFECTIVE_STATUS} = $${parameters.length}`);
    }
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    if (after) {
      parameters.push(after[0], after[1]);
      conditions.push(`(r.fired_at, r.id) < (CAST($${parameters.length - 1} AS timestamptz), CAST($${parameters.length} AS uuid))`);
    }
    parameters.push(limit + 1);
    const rows = await this.dataSource.query<ReminderRow[]>(
      `SELECT ${LIST_COLUMNS} FROM visits.reminders r LEFT JOIN visits.visit_tasks t ON t.id = r.task_id
       WHERE ${conditions.join(' AND ')} ORDER BY r.fired_at DESC, r.id DESC LIMIT $${parameters.length}`,
      parameters,
    );
    const items = rows.slice(0, limit).map(toReminder);
    const last = items.at(-1);
    return { items, nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
  }

  /** The recipient's reminder with its effective status, held for a write. */
  async findForUpdate(manager: EntityManager, tenantId: string, recipientId: string, id: string): Promise<ReminderState | undefined> {
    const [row] = await manager.query<ReminderRow[]>(
      `SELECT ${LIST_COLUMNS} FROM visits.reminders r LEFT JOIN visits.visit_tasks t ON t.id = r.task_id
       WHERE r.tenant_id = $1 AND r.recipient_id = $2 AND r.id = $3 FOR UPDATE OF r`,
      [tenantId, recipientId, id],
    );
    return row ? toReminder(row) : undefined;
  }

  /** Writes a reminder's closing. */
  async close(manager: EntityManager, reminder: ReminderState): Promise<void> {
    await manager.query('UPDATE visits.reminders SET status = $2, closed_at = $3, closed_by = $4, version = $5 WHERE id = $1', [
      reminder.id,
      reminder.status,
      reminder.closedAt,
      reminder.closedBy,
      reminder.version,
    ]);
  }
}
