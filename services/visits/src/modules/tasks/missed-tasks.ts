import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OutboxPublisher } from '@fieldforce/messaging';
import { InjectConfig } from '@fieldforce/platform';
import { type VisitsConfig } from '../../config/visits.config';
import { type VisitTask } from './dto/task.dto';
import { taskEvent } from './task-events';
import { taskColumns, type TaskRow, toTask } from './tasks.repository';

// Tasks one statement marks; a backlog takes several statements of one sweep.
const BATCH = 1_000;

/**
 * Marks as missed every planned or dispatched task whose due date has ended in its tenant's time
 * zone (MISSED_TASK_GRACE_HOURS ago), and publishes `task.missed` for each in the same transaction. Safe with any number of
 * replicas sweeping at once: each statement claims its rows with FOR UPDATE SKIP LOCKED and
 * re-checks the status, so a task is marked (and published) once, and a task a request holds
 * right now is left for the next sweep instead of waited for.
 */
@Injectable()
export class MissedTasks implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MissedTasks.name);
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<unknown> | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxPublisher,
    @InjectConfig() private readonly config: VisitsConfig,
  ) {}

  onApplicationBootstrap(): void {
    const intervalMs = this.config.missedTasks.sweepIntervalMs;
    if (intervalMs === 0) return;
    this.timer = setInterval(() => {
      if (this.sweeping) return;
      this.sweeping = this.sweep()
        .then((missed) => missed.length > 0 && this.logger.log(`${missed.length} task(s) missed`))
        .catch((error: unknown) => this.logger.error({ err: error }, 'missed-task sweep failed'))
        .finally(() => (this.sweeping = undefined));
    }, intervalMs).unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping;
  }

  /**
   * Marks as missed the tasks whose due date ended more than `graceHours` before `now`, a batch per
   * transaction; answers them. `tenantIds` limits the sweep to those tenants (catching up some
   * tenants at a chosen instant must not touch the others' tasks).
   */
  async sweep(now = new Date(), graceHours = this.config.missedTasks.graceHours, tenantIds?: readonly string[]): Promise<VisitTask[]> {
    const cutoff = new Date(now.getTime() - graceHours * 3_600_000);
    const missed: VisitTask[] = [];
    for (;;) {
      const batch = await this.dataSource.transaction(async (manager) => {
        const [rows] = await manager.query<[TaskRow[], number]>(
          `WITH overdue AS (
             SELECT t.id FROM visits.visit_tasks t
             LEFT JOIN visits.tenant_settings s ON s.tenant_id = t.tenant_id
             WHERE t.status IN ('planned', 'dispatched')
               AND (CAST($3 AS uuid[]) IS NULL OR t.tenant_id = ANY(CAST($3 AS uuid[])))
               -- No time zone is more than a day ahead of UTC: an overdue task is due by the UTC date, a bound the open-task index ranges over.
               AND t.due_date <= CAST(timezone('UTC', CAST($1 AS timestamptz)) AS date)
               AND t.due_date < CAST(timezone(COALESCE(s.time_zone, 'UTC'), CAST($1 AS timestamptz)) AS date)
             ORDER BY t.due_date, t.id
             LIMIT $2
             FOR UPDATE OF t SKIP LOCKED
           )
           UPDATE visits.visit_tasks t SET status = 'missed', version = t.version + 1, updated_at = now()
           FROM overdue WHERE t.id = overdue.id AND t.status IN ('planned', 'dispatched')
           RETURNING ${taskColumns('t')}`,
          [cutoff.toISOString(), BATCH, tenantIds ?? null],
        );
        const tasks = rows.map(toTask);
        await this.outbox.publishAll(manager, tasks.map((task) => taskEvent('fieldforce.visits.task.missed.v1', task, ['status'])));
        return tasks;
      });
      missed.push(...batch);
      if (batch.length < BATCH) return missed;
    }
  }
}
