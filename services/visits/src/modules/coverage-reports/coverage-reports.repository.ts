import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { dataScopeCondition, type ScopeSubject } from '@fieldforce/auth';
import { orgUnitLabel } from '../../common/org-path';

/** What a coverage query covers: the caller's scope, the local period, and optionally one org unit. */
export interface CoverageFilter {
  subject: ScopeSubject;
  from: string;
  to: string;
  timeZone: string;
  orgUnitId?: string;
}

/** The task-side counts of one group (a rep or an org path prefix). */
export interface TaskCounts {
  key: string | null;
  orgPath: string | null;
  assigneeIds: (string | null)[];
  customersDue: number;
  customersVisited: number;
  tasksDue: number;
  tasksCompleted: number;
  tasksMissed: number;
}

/** The check-in counts of one group. */
export interface CheckInCounts {
  key: string;
  orgPath: string | null;
  userIds: string[];
  checkIns: number;
  checkInsFlagged: number;
}

export interface CoverageCounts {
  byRep: TaskCounts[];
  checkInsByRep: CheckInCounts[];
  byUnit: TaskCounts[];
  checkInsByUnit: CheckInCounts[];
}

// Every prefix of a dotted org path, with its depth: `a.b.c` → a (1), a.b (2), a.b.c (3).
const PREFIXES = (column: string) => `
  CROSS JOIN LATERAL (SELECT string_to_array(${column}, '.') AS labels) path_labels
  CROSS JOIN LATERAL generate_series(1, cardinality(path_labels.labels)) AS depth
  CROSS JOIN LATERAL (SELECT array_to_string(path_labels.labels[1:depth], '.') AS prefix) unit`;

/** Counts tasks and check-ins per rep and per org path prefix, set-based, within the caller's scope. */
@Injectable()
export class CoverageRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** All four groupings from one snapshot of the data. */
  async counts(filter: CoverageFilter): Promise<CoverageCounts> {
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => ({
      byRep: await this.taskCounts(manager, filter, 'p.assignee_id', 'CAST(p.assignee_id AS text)'),
      checkInsByRep: await this.checkInCounts(manager, filter, 'CAST(c.user_id AS text)', ''),
      byUnit: await this.taskCounts(manager, filter, 'unit.prefix', 'unit.prefix', PREFIXES('p.org_path')),
      checkInsByUnit: await this.checkInCounts(manager, filter, 'unit.prefix', PREFIXES('c.org_path')),
    }));
  }

  private conditions(filter: CoverageFilter, alias: string, ownerColumn: string): { sql: string; parameters: Record<string, unknown> } {
    const scope = dataScopeCondition(filter.subject, { alias, columns: { ownerId: ownerColumn } });
    const parameters: Record<string, unknown> = { ...scope.parameters, from: filter.from, to: filter.to, timeZone: filter.timeZone };
    let sql = scope.sql;
    if (filter.orgUnitId) {
      // The label holds only [a-z0-9], no LIKE wildcards.
      sql += ` AND ('.' || ${alias}.org_path || '.') LIKE :orgUnitLike`;
      parameters.orgUnitLike = `%.${orgUnitLabel(filter.orgUnitId)}.%`;
    }
    return { sql, parameters };
  }

  private async query<T>(manager: EntityManager, sql: string, parameters: Record<string, unknown>): Promise<T[]> {
    const [query, values] = this.dataSource.driver.escapeQueryWithParameters(sql, parameters, {});
    return manager.query<T[]>(query, values);
  }

  // Pairs of (assignee, customer, org path) with their tasks due in the period, then grouped by `groupBy`.
  private async taskCounts(manager: EntityManager, filter: CoverageFilter, groupBy: string, key: string, join = ''): Promise<TaskCounts[]> {
    const { sql, parameters } = this.conditions(filter, 't', 'assignee_id');
    const rows = await this.query<{
      key: string | null;
      org_path: string | null;
      assignee_ids: (string | null)[];
      customers_due: number;
      customers_visited: number;
      tasks_due: number;
      tasks_completed: number;
      tasks_missed: number;
    }>(
      manager,
      `WITH visited_by_check_in AS (
         SELECT DISTINCT c.user_id, c.customer_id FROM visits.check_ins c
         WHERE c.tenant_id = :scopeTenantId AND c.status <> 'rejected'
           AND CAST(timezone(:timeZone, c.recorded_at) AS date) BETWEEN CAST(:from AS date) AND CAST(:to AS date)
       ), pairs AS (
         SELECT t.assignee_id, t.customer_id, t.org_path, count(*) AS tasks_due,
           count(*) FILTER (WHERE t.status = 'completed') AS tasks_completed,
           count(*) FILTER (WHERE t.status = 'missed') AS tasks_missed,
           bool_or(t.status = 'completed') OR EXISTS (
             SELECT 1 FROM visited_by_check_in v WHERE v.user_id = t.assignee_id AND v.customer_id = t.customer_id) AS visited
         FROM visits.visit_tasks t
         WHERE ${sql} AND t.status <> 'cancelled' AND t.due_date BETWEEN CAST(:from AS date) AND CAST(:to AS date)
         GROUP BY t.assignee_id, t.customer_id, t.org_path
       )
       SELECT ${key} AS key, mode() WITHIN GROUP (ORDER BY p.org_path) AS org_path,
         CAST(array_agg(DISTINCT p.assignee_id) AS text[]) AS assignee_ids,
         CAST(count(DISTINCT p.customer_id) AS integer) AS customers_due,
         CAST(count(DISTINCT p.customer_id) FILTER (WHERE p.visited) AS integer) AS customers_visited,
         CAST(sum(p.tasks_due) AS integer) AS tasks_due, CAST(sum(p.tasks_completed) AS integer) AS tasks_completed,
         CAST(sum(p.tasks_missed) AS integer) AS tasks_missed
       FROM pairs p ${join}
       GROUP BY ${groupBy}`,
      parameters,
    );
    return rows.map((row) => ({
      key: row.key,
      orgPath: row.org_path,
      assigneeIds: row.assignee_ids,
      customersDue: row.customers_due,
      customersVisited: row.customers_visited,
      tasksDue: row.tasks_due,
      tasksCompleted: row.tasks_completed,
      tasksMissed: row.tasks_missed,
    }));
  }

  private async checkInCounts(manager: EntityManager, filter: CoverageFilter, key: string, join: string): Promise<CheckInCounts[]> {
    const { sql, parameters } = this.conditions(filter, 'c', 'user_id');
    const rows = await this.query<{ key: string; org_path: string | null; user_ids: string[]; check_ins: number; flagged: number }>(
      manager,
      `SELECT ${key} AS key, mode() WITHIN GROUP (ORDER BY c.org_path) AS org_path, CAST(array_agg(DISTINCT c.user_id) AS text[]) AS user_ids,
         CAST(count(*) AS integer) AS check_ins, CAST(count(*) FILTER (WHERE c.status <> 'verified') AS integer) AS flagged
       FROM visits.check_ins c ${join}
       WHERE ${sql} AND CAST(timezone(:timeZone, c.recorded_at) AS date) BETWEEN CAST(:from AS date) AND CAST(:to AS date)
       GROUP BY ${key}`,
      parameters,
    );
    return rows.map((row) => ({ key: row.key, orgPath: row.org_path, userIds: row.user_ids, checkIns: row.check_ins, checkInsFlagged: row.flagged }));
  }
}
