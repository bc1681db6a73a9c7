import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';
import { type CheckInState, type CheckInStatus } from '@fieldforce/contracts';

/** A check-in as this service keeps it: who, where, for which task, how trusted, and when. */
export interface VisitCheckIn {
  id: string;
  tenantId: string;
  userId: string;
  orgPath: string;
  customerId: string;
  /** The task the check-in started (resolved here; null when none matched). */
  taskId: string | null;
  status: CheckInStatus;
  recordedAt: string;
  checkedOutAt: string | null;
  version: number;
}

interface CheckInRow {
  id: string;
  tenant_id: string;
  user_id: string;
  org_path: string;
  customer_id: string;
  task_id: string | null;
  status: CheckInStatus;
  recorded_at: Date;
  checked_out_at: Date | null;
  version: number;
}

const toCheckIn = (row: CheckInRow): VisitCheckIn => ({
  id: row.id,
  tenantId: row.tenant_id,
  userId: row.user_id,
  orgPath: row.org_path,
  customerId: row.customer_id,
  taskId: row.task_id,
  status: row.status,
  recordedAt: new Date(row.recorded_at).toISOString(),
  checkedOutAt: row.checked_out_at === null ? null : new Date(row.checked_out_at).toISOString(),
  version: row.version,
});

/** The check-ins as the checkins service's events describe them (read model, never edited here but for the task link). */
@Injectable()
export class CheckInsReadModel {
  /**
   * Stores the check-in state an event carries unless the same or a newer version is stored (a
   * replayed or reordered feed); answers the stored check-in, or undefined when the event was stale.
   * A stored task link is kept.
   */
  async apply(manager: EntityManager, state: CheckInState): Promise<VisitCheckIn | undefined> {
    const [row] = await manager.query<CheckInRow[]>(
      `INSERT INTO visits.check_ins AS c (id, tenant_id, user_id, org_path, customer_id, task_id, status, recorded_at, checked_out_at, version)
       VALUES ($1, $2, $3, $4, $5, NULL, $6, $7, $8, $9)
       ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, checked_out_at = EXCLUDED.checked_out_at, org_path = EXCLUDED.org_path,
         version = EXCLUDED.version
       WHERE c.version < EXCLUDED.version
       RETURNING *`,
      [
        state.id,
        state.tenantId,
        state.userId,
        state.orgPath,
        state.customerId,
        state.status,
        state.checkIn.point.capturedAt,
        state.checkOut?.point.capturedAt ?? null,
        state.version,
      ],
    );
    return row ? toCheckIn(row) : undefined;
  }

  /** Links the check-in to the task it started. */
  async linkTask(manager: EntityManager, checkInId: string, taskId: string): Promise<void> {
    await manager.query('UPDATE visits.check_ins SET task_id = $2 WHERE id = $1', [checkInId, taskId]);
  }

  /** When a check-in linked to the task checked out (and was not rejected on review); undefined before. */
  async checkedOutAt(manager: EntityManager, tenantId: string, taskId: string): Promise<Date | undefined> {
    const [row] = await manager.query<{ checked_out_at: Date }[]>(
      `SELECT checked_out_at FROM visits.check_ins WHERE tenant_id = $1 AND task_id = $2 AND checked_out_at IS NOT NULL AND status <> 'rejected'
       ORDER BY checked_out_at LIMIT 1`,
      [tenantId, taskId],
    );
    return row ? new Date(row.checked_out_at) : undefined;
  }
}
