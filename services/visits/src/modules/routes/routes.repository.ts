import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { dataScopeCondition, type ScopeSubject } from '@fieldforce/auth';

/** An open task of the day as the route needs it: where, how long, by when. */
export interface RouteTask {
  id: string;
  customerId: string;
  customerName: string;
  lat: number | null;
  lng: number | null;
  dueDate: string;
  /** The end of the due date in the tenant's time zone: the task's due time. */
  dueAt: Date;
  /** The expected duration of the template version the task follows. */
  visitMinutes: number;
}

interface RouteTaskRow {
  id: string;
  customer_id: string;
  customer_name: string;
  lat: number | null;
  lng: number | null;
  due_date: string;
  due_at: Date;
  visit_minutes: number;
}

/** Reads what a route is planned from. */
@Injectable()
export class RoutesRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The instants of two local times of `date` in `timeZone`; an end not after the start falls on the next day. */
  async localDay(date: string, start: string, end: string, timeZone: string): Promise<{ start: Date; end: Date }> {
    const [row] = await this.dataSource.query<{ starts: Date; ends: Date }[]>(
      // AT TIME ZONE binds tighter than +: the local timestamps are parenthesized.
      `SELECT (CAST($1 AS date) + CAST($2 AS time)) AT TIME ZONE $4 AS starts,
         (CAST($1 AS date) + CASE WHEN CAST($3 AS time) > CAST($2 AS time) THEN 0 ELSE 1 END + CAST($3 AS time)) AT TIME ZONE $4 AS ends`,
      [date, start, end, timeZone],
    );
    return { start: new Date(row!.starts), end: new Date(row!.ends) };
  }

  /**
   * The open (planned or dispatched) tasks of `assigneeId` due on `date` or before it, that
   * `subject` may see, with their customer and visit duration, by due date then id (the naive
   * order); at most `limit`.
   */
  async openTasksUntil(subject: ScopeSubject, assigneeId: string, date: string, timeZone: string, limit: number): Promise<RouteTask[]> {
    const scope = dataScopeCondition(subject, { alias: 't', columns: { ownerId: 'assignee_id' } });
    const sql = `
      SELECT t.id, t.customer_id, c.name AS customer_name, c.lat, c.lng, to_char(t.due_date, 'YYYY-MM-DD') AS due_date,
        CAST(t.due_date + 1 AS timestamp) AT TIME ZONE :timeZone AS due_at,
        COALESCE(CAST(v.snapshot ->> 'expectedDurationMinutes' AS integer), tpl.expected_duration_minutes) AS visit_minutes
      FROM visits.visit_tasks t
      JOIN visits.customers c ON c.id = t.customer_id AND c.tenant_id = t.tenant_id AND c.deleted_at IS NULL
      JOIN visits.visit_templates tpl ON tpl.id = t.template_id
      LEFT JOIN visits.visit_template_versions v ON v.template_id = t.template_id AND v.version = t.template_version
      WHERE ${scope.sql} AND t.assignee_id = :assigneeId AND t.status IN ('planned', 'dispatched') AND t.due_date <= CAST(:date AS date)
      ORDER BY t.due_date, t.id
      LIMIT :limit`;
    const [query, values] = this.dataSource.driver.escapeQueryWithParameters(sql, { ...scope.parameters, assigneeId, date, timeZone, limit }, {});
    const rows = await this.dataSource.query<RouteTaskRow[]>(query, values);
    return rows.map((row) => ({
      id: row.id,
      customerId: row.customer_id,
      customerName: row.customer_name,
      lat: row.lat,
      lng: row.lng,
      dueDate: row.due_date,
      dueAt: new Date(row.due_at),
      visitMinutes: row.visit_minutes,
    }));
  }
}
