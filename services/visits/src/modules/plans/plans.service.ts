import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { type AuthenticatedUser } from '@fieldforce/auth';
import { OutboxPublisher } from '@fieldforce/messaging';
import { TenantSettingsRepository } from '../settings/tenant-settings.repository';
import { plannedTaskFields, taskEvent } from '../tasks/task-events';
import { TemplatesRepository } from '../templates/templates.repository';
import { type GeneratePlanDto, type PlanResultDto } from './dto/generate-plan.dto';
import { PlanException } from './plans.exception';
import { PlansRepository } from './plans.repository';
import { cyclesInPeriod, daysInclusive, localDate } from './visit-cycles';

/** The longest period one generation plans: a quarter, which bounds the rows one statement writes. */
export const MAX_PLAN_DAYS = 93;

/** Visit plans: the planned tasks each customer's grade and template require in a period. */
@Injectable()
export class PlansService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxPublisher,
    private readonly plans: PlansRepository,
    private readonly templates: TemplatesRepository,
    private readonly settings: TenantSettingsRepository,
  ) {}

  /**
   * Creates the missing planned tasks of the period for the caller's customers (and the filters),
   * one per cycle in the tenant's time zone; a cycle a task already covers is skipped, so a rerun creates nothing.
   */
  async generate(user: AuthenticatedUser, input: GeneratePlanDto): Promise<PlanResultDto> {
    const timeZone = await this.settings.timeZone(user.tenantId);
    const from = localDate(input.from, timeZone);
    const to = localDate(input.to, timeZone);
    if (to < from) throw PlanException.endsBeforeStart(from, to);
    const days = daysInclusive(from, to);
    if (days > MAX_PLAN_DAYS) throw PlanException.tooLong(days, MAX_PLAN_DAYS);
    const templates = await this.templates.list(user.tenantId);
    // The tasks and their planned events commit together.
    const result = await this.dataSource.transaction(async (manager) => {
      const inserted = await this.plans.insertPlanned(
        manager,
        user,
        templates.map((template) => ({ templateId: template.id, cycles: cyclesInPeriod(from, to, template.frequency) })),
        { ownerIds: input.ownerIds, orgUnitId: input.orgUnitId },
      );
      await this.outbox.publishAll(
        manager,
        inserted.created.map((task) => taskEvent('fieldforce.visits.task.planned.v1', task, plannedTaskFields(task))),
      );
      return inserted;
    });
    const byOwner: Record<string, number> = {};
    for (const task of result.created) {
      const owner = task.assigneeId ?? 'unassigned';
      byOwner[owner] = (byOwner[owner] ?? 0) + 1;
    }
    const created = result.created.length;
    return { from, to, timeZone, created, skipped: result.required - created, byOwner };
  }
}
