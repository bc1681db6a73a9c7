import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { orgUnitLabel } from '../../common/org-path';
import { type VisitTask } from '../tasks/dto/task.dto';
import { taskColumns, type TaskRow, toTask } from '../tasks/tasks.repository';
import { dataScopeCondition, type ScopeSubject } from '@fieldforce/auth';
import { type VisitCycle } from './visit-cycles';

/** The cycles one template requires in the period. */
export interface TemplateCycles {
  templateId: string;
  cycles: readonly VisitCycle[];
}

/** Which customers to plan besides the caller's scope. */
export interface PlanFilter {
  ownerIds?: readonly string[];
  orgUnitId?: string;
}

/** What one generation statement did. */
export interface PlanInsertResult {
  /** Customer cycles the period requires, covered before or not. */
  required: number;
  /** The tasks created. */
  created: VisitTask[];
}

// A UUIDv7 built in SQL (48-bit millisecond time, then random bits, version nibble 7), so ids
// generated set-based sort by creation like the ones the service mints with uuidv7().
const UUID_V7_SQL = `CAST(encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid())
  placing substring(int8send(CAST(floor(extract(epoch FROM clock_timestamp()) * 1000) AS bigint)) from 3) from 1 for 6), 52, 1), 53, 1), 'hex') AS uuid)`;

/** Creates the planned tasks of a period in one set-based statement. */
@Injectable()
export class PlansRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Inserts a planned task per visible customer and cycle of its grade's template, unless a task of
   * the customer (any status, ad hoc ones included) is due within that cycle or holds its key.
   */
  async insertPlanned(manager: EntityManager, subject: ScopeSubject, templateCycles: readonly TemplateCycles[], filter: PlanFilter): Promise<PlanInsertResult> {
    const cycles = templateCycles.flatMap(({ templateId, cycles: list }) => list.map((cycle) => ({ templateId, ...cycle })));
    if (cycles.length === 0) return { required: 0, created: [] };
    const scope = dataScopeCondition(subject, { alias: 'c' });
    const conditions = ['c.deleted_at IS NULL', scope.sql];
    const parameters: Record<string, unknown> = {
      ...scope.parameters,
      cycleTemplateIds: cycles.map((cycle) => cycle.templateId),
      cycleKeys: cycles.map((cycle) => cycle.key),
      cycleStarts: cycles.map((cycle) => cycle.startsOn),
      cycleEnds: cycles.map((cycle) => cycle.endsOn),
      cycleDues: cycles.map((cycle) => cycle.dueOn),
    };
    if (filter.ownerIds) {
      conditions.push('c.owner_id = ANY(CAST(:ownerIds AS uuid[]))');
      parameters.ownerIds = filter.ownerIds;
    }
    if (filter.orgUnitId) {
      // The label holds only [a-z0-9], no LIKE wildcards.
      conditions.push(`('.' || c.org_path || '.') LIKE :orgUnitLike`);
      parameters.orgUnitLike = `%.${orgUnitLabel(filter.orgUnitId)}.%`;
    }
    const sql = `
      WITH cycle AS (
        SELECT * FROM unnest(CAST(:cycleTemplateIds AS uuid[]), CAST(:cycleKeys AS text[]), CAST(:cycleStarts AS date[]),
          CAST(:cycleEnds AS date[]), CAST(:cycleDues AS date[])) AS cycle(template_id, cycle_key, starts_on, ends_on, due_on)
      ), required AS (
        SELECT c.tenant_id, c.id AS customer_id, c.owner_id, c.org_path, t.id AS template_id, t.version AS template_version,
          cycle.cycle_key, cycle.starts_on, cycle.ends_on, cycle.due_on
        FROM visits.customers c
        JOIN visits.visit_templates t ON t.tenant_id = c.tenant_id AND c.grade = ANY(t.grades)
        JOIN cycle ON cycle.template_id = t.id
        WHERE ${conditions.join(' AND ')}
      ), inserted AS (
        INSERT INTO visits.visit_tasks (id, tenant_id, customer_id, template_id, template_version, status, assignee_id, org_path, due_date,
          cycle_key, version, created_at, updated_at)
        SELECT ${UUID_V7_SQL}, r.tenant_id, r.customer_id, r.template_id, r.template_version, 'planned', r.owner_id, r.org_path, r.due_on,
          r.cycle_key, 1, now(), now()
        FROM required r
        WHERE NOT EXISTS (
          SELECT 1 FROM visits.visit_tasks covered
          WHERE covered.tenant_id = r.tenant_id AND covered.customer_id = r.customer_id
            AND (covered.cycle_key = r.cycle_key OR covered.due_date BETWEEN r.starts_on AND r.ends_on))
        ON CONFLICT (tenant_id, customer_id, cycle_key) WHERE cycle_key IS NOT NULL DO NOTHING
        RETURNING *
      )
      SELECT counted.required, ${taskColumns('i')}
      FROM (SELECT CAST(count(*) AS integer) AS required FROM required) counted LEFT JOIN inserted i ON true`;
    const [query, values] = this.dataSource.driver.escapeQueryWithParameters(sql, parameters, {});
    const rows = await manager.query<(TaskRow & { required: number })[]>(query, values);
    return { required: rows[0]?.required ?? 0, created: rows.filter((row) => row.id !== null).map(toTask) };
  }
}
