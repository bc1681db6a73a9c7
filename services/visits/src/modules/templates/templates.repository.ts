import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type TemplateStep } from './template-steps';
import { type FrequencyUnit, type VisitTemplate } from './dto/template.dto';

interface TemplateRow {
  id: string;
  tenant_id: string;
  name: string;
  grades: string[];
  frequency_every: number;
  frequency_unit: FrequencyUnit;
  expected_duration_minutes: number;
  geofence_radius_meters: number;
  steps: TemplateStep[];
  version: number;
  created_at: Date;
  updated_at: Date;
}

const toTemplate = (row: TemplateRow): VisitTemplate => ({
  id: row.id,
  tenantId: row.tenant_id,
  name: row.name,
  grades: row.grades,
  frequency: { every: row.frequency_every, unit: row.frequency_unit },
  expectedDurationMinutes: row.expected_duration_minutes,
  geofenceRadiusMeters: row.geofence_radius_meters,
  steps: row.steps,
  version: row.version,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

/** Stores templates and a snapshot of every version. */
@Injectable()
export class TemplatesRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Writes the template's current state and its version snapshot. */
  async save(manager: EntityManager, template: VisitTemplate): Promise<void> {
    await manager.query(
      `INSERT INTO visits.visit_templates (id, tenant_id, name, grades, frequency_every, frequency_unit, expected_duration_minutes,
         geofence_radius_meters, steps, version, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
       ON CONFLICT (id) DO UPDATE SET name = $3, grades = $4, frequency_every = $5, frequency_unit = $6,
         expected_duration_minutes = $7, geofence_radius_meters = $8, steps = $9, version = $10, updated_at = $12`,
      [
        template.id,
        template.tenantId,
        template.name,
        template.grades,
        template.frequency.every,
        template.frequency.unit,
        template.expectedDurationMinutes,
        template.geofenceRadiusMeters,
        JSON.stringify(template.steps),
        template.version,
        template.createdAt,
        template.updatedAt,
      ],
    );
    await manager.query('INSERT INTO visits.visit_template_versions (template_id, version, snapshot) VALUES ($1, $2, $3)', [
      template.id,
      template.version,
      JSON.stringify(template),
    ]);
  }

  /** The tenant's template in its current version; `lock` holds it for an update. */
  async find(tenantId: string, id: string, manager: EntityManager = this.dataSource.manager, lock = false): Promise<VisitTemplate | undefined> {
    const [row] = await manager.query<TemplateRow[]>(
      `SELECT * FROM visits.visit_templates WHERE tenant_id = $1 AND id = $2${lock ? ' FOR UPDATE' : ''}`,
      [tenantId, id],
    );
    return row ? toTemplate(row) : undefined;
  }

  /** The tenant's template as it was at `version`. */
  async findVersion(tenantId: string, id: string, version: number, manager: EntityManager = this.dataSource.manager): Promise<VisitTemplate | undefined> {
    const [row] = await manager.query<{ snapshot: VisitTemplate }[]>(
      `SELECT v.snapshot FROM visits.visit_template_versions v JOIN visits.visit_templates t ON t.id = v.template_id
       WHERE t.tenant_id = $1 AND v.template_id = $2 AND v.version = $3`,
      [tenantId, id, version],
    );
    return row?.snapshot;
  }

  /** The tenant's templates, by name. */
  async list(tenantId: string, manager: EntityManager = this.dataSource.manager): Promise<VisitTemplate[]> {
    const rows = await manager.query<TemplateRow[]>('SELECT * FROM visits.visit_templates WHERE tenant_id = $1 ORDER BY name, id', [tenantId]);
    return rows.map(toTemplate);
  }

  /** The tenant's template (current version) that applies to `grade`, if any. */
  async findForGrade(tenantId: string, grade: string, manager: EntityManager = this.dataSource.manager): Promise<VisitTemplate | undefined> {
    const [row] = await manager.query<TemplateRow[]>('SELECT * FROM visits.visit_templates WHERE tenant_id = $1 AND $2 = ANY(grades)', [tenantId, grade]);
    return row ? toTemplate(row) : undefined;
  }

  /** The grades among `grades` that another template of the tenant applies to. */
  async gradesTaken(manager: EntityManager, tenantId: string, grades: string[], exceptId: string): Promise<string[]> {
    const rows = await manager.query<{ grade: string }[]>(
      `SELECT DISTINCT g AS grade FROM visits.visit_templates, unnest(grades) g
       WHERE tenant_id = $1 AND id <> $3 AND g = ANY($2::text[]) ORDER BY 1`,
      [tenantId, grades, exceptId],
    );
    return rows.map((row) => row.grade);
  }
}
