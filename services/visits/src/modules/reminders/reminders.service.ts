import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { type ReminderState } from '@fieldforce/contracts';
import { type AuthenticatedUser } from '@fieldforce/auth';
import { OutboxPublisher } from '@fieldforce/messaging';
import { DEFAULT_PAGE_SIZE, InjectConfig } from '@fieldforce/platform';
import { type VisitsConfig } from '../../config/visits.config';
import { type ListRemindersQuery } from './dto/reminder.dto';
import { ReminderException } from './reminders.exception';
import { type ReminderPage, RemindersRepository } from './reminders.repository';

/** What one scheduler pass did; `fenced` when a newer leader had written and this pass wrote nothing. */
export interface ReminderPass {
  fenced: boolean;
  resolved: number;
  fired: ReminderState[];
}

const EVENT_OF = {
  'task-overdue': 'fieldforce.visits.reminder.task-overdue.v1',
  'visit-due': 'fieldforce.visits.reminder.visit-due.v1',
} as const;

/**
 * Reminders: a task past its due time (task-overdue) and a customer whose visit cycle ends within
 * the lead time without a completed visit (visit-due), each once per task or customer cycle; the
 * recipient (the task's assignee) lists and dismisses them; a reminder resolves itself when its
 * task completes or is cancelled.
 */
@Injectable()
export class RemindersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly reminders: RemindersRepository,
    private readonly outbox: OutboxPublisher,
    @InjectConfig() private readonly config: VisitsConfig,
  ) {}

  /**
   * One scheduler pass as of `now`, writing with fencing token `token` of scheduler `fence`: in one
   * transaction, refused by the fence when a newer token wrote; reminders and their events commit
   * together, and the unique indexes keep a reminder from firing twice even if two passes race.
   */
  async runPass(fence: string, token: number, now = new Date()): Promise<ReminderPass> {
    return this.dataSource.transaction(async (manager) => {
      if (!(await this.reminders.claimFence(manager, fence, token))) return { fenced: true, resolved: 0, fired: [] };
      const resolved = await this.reminders.resolveFinished(manager, now);
      const overdue = await this.reminders.fireOverdue(manager, now, this.config.reminders.overdueLookbackDays, token);
      const visitDue = await this.reminders.fireVisitDue(manager, now, this.config.reminders.visitDueLeadHours * 3600, token);
      const fired = [...overdue, ...visitDue];
      await this.outbox.publishAll(
        manager,
        fired.map((reminder) => ({ type: EVENT_OF[reminder.kind], subject: reminder.id, tenantId: reminder.tenantId, data: { reminder } })),
      );
      return { fenced: false, resolved, fired };
    });
  }

  /** The caller's reminders, newest first. */
  async list(user: AuthenticatedUser, query: ListRemindersQuery): Promise<ReminderPage> {
    return this.reminders.list(user.tenantId, user.userId, query.status, query.cursor, query.limit ?? DEFAULT_PAGE_SIZE);
  }

  /** Closes one of the caller's open reminders; dismissing it again answers it unchanged. */
  async dismiss(user: AuthenticatedUser, id: string): Promise<ReminderState> {
    return this.dataSource.transaction(async (manager) => {
      const reminder = await this.reminders.findForUpdate(manager, user.tenantId, user.userId, id);
      if (!reminder) throw ReminderException.notFound(id);
      if (reminder.status === 'dismissed') return reminder;
      if (reminder.status !== 'open') throw ReminderException.alreadyClosed(id, reminder.status);
      const dismissed: ReminderState = { ...reminder, status: 'dismissed', closedAt: new Date().toISOString(), closedBy: user.userId, version: reminder.version + 1 };
      await this.reminders.close(manager, dismissed);
      return dismissed;
    });
  }
}
