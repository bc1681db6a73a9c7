import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { uuidv7 } from '@fieldforce/contracts';
import { OutboxPublisher } from '@fieldforce/messaging';
import { type CreateTemplateDto, type UpdateTemplateDto, type VisitTemplate } from './dto/template.dto';
import { parseTemplateSteps, type TemplateStep } from './template-steps';
import { TemplateException } from './templates.exception';
import { TemplatesRepository } from './templates.repository';

// The fields a template write sets; the rest is identity and bookkeeping.
const TEMPLATE_FIELDS = ['name', 'grades', 'frequency', 'expectedDurationMinutes', 'geofenceRadiusMeters', 'steps'] as const;

function validSteps(raw: unknown): TemplateStep[] {
  const { steps, errors } = parseTemplateSteps(raw);
  if (errors.length > 0) throw TemplateException.invalidSteps(errors);
  return steps;
}

/** Creates and versions visit templates; one template per grade of a tenant. */
@Injectable()
export class TemplatesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxPublisher,
    private readonly templates: TemplatesRepository,
  ) {}

  async create(tenantId: string, input: CreateTemplateDto): Promise<VisitTemplate> {
    const steps = validSteps(input.steps);
    const now = new Date().toISOString();
    const template: VisitTemplate = {
      id: uuidv7(),
      tenantId,
      name: input.name,
      grades: [...new Set(input.grades)],
      frequency: { every: input.frequency.every, unit: input.frequency.unit },
      expectedDurationMinutes: input.expectedDurationMinutes,
      geofenceRadiusMeters: input.geofenceRadiusMeters,
      steps,
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    return this.dataSource.transaction(async (manager) => {
      await this.assertGradesFree(manager, template);
      await this.templates.save(manager, template);
      await this.outbox.publish(manager, 'fieldforce.visits.visit-template.created.v1', {
        subject: template.id,
        tenantId,
        data: { template, changedFields: [...TEMPLATE_FIELDS] },
      });
      return template;
    });
  }

  /** Applies the changed fields as a new version; `expectedVersion` (If-Match) must be the current one when given. */
  async update(tenantId: string, id: string, input: UpdateTemplateDto, expectedVersion: number | undefined): Promise<VisitTemplate> {
    const steps = input.steps === undefined ? undefined : validSteps(input.steps);
    return this.dataSource.transaction(async (manager) => {
      const current = await this.templates.find(tenantId, id, manager, true);
      if (!current) throw TemplateException.notFound(id);
      if (expectedVersion !== undefined && expectedVersion !== current.version) throw TemplateException.versionMismatch(id, current.version);
      const next: VisitTemplate = {
        ...current,
        name: input.name ?? current.name,
        grades: input.grades ? [...new Set(input.grades)] : current.grades,
        frequency: input.frequency ? { every: input.frequency.every, unit: input.frequency.unit } : current.frequency,
        expectedDurationMinutes: input.expectedDurationMinutes ?? current.expectedDurationMinutes,
        geofenceRadiusMeters: input.geofenceRadiusMeters ?? current.geofenceRadiusMeters,
        steps: steps ?? current.steps,
        version: current.version + 1,
        updatedAt: new Date().toISOString(),
      };
      await this.assertGradesFree(manager, next);
      const changedFields = TEMPLATE_FIELDS.filter((field) => JSON.stringify(current[field]) !== JSON.stringify(next[field]));
      // Nothing changed: no new version, no event.
      if (changedFields.length === 0) return current;
      await this.templates.save(manager, next);
      await this.outbox.publish(manager, 'fieldforce.visits.visit-template.updated.v1', {
        subject: next.id,
        tenantId,
        data: { template: next, changedFields },
      });
      return next;
    });
  }

  async get(tenantId: string, id: string, version?: number): Promise<VisitTemplate> {
    const template = version === undefined ? await this.templates.find(tenantId, id) : await this.templates.findVersion(tenantId, id, version);
    if (!template) throw TemplateException.notFound(id, version);
    return template;
  }

  async list(tenantId: string): Promise<VisitTemplate[]> {
    return this.templates.list(tenantId);
  }

  private async assertGradesFree(manager: EntityManager, template: VisitTemplate): Promise<void> {
    // Serialises a tenant's template writes so two concurrent creates cannot both claim a grade.
    await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`visits.templates:${template.tenantId}`]);
    const taken = await this.templates.gradesTaken(manager, template.tenantId, template.grades, template.id);
    if (taken.length > 0) throw TemplateException.gradeTaken(taken);
  }
}
