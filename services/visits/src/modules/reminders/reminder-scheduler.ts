import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import { InjectConfig, InjectRedis, LeaderLock } from '@fieldforce/platform';
import { type VisitsConfig } from '../../config/visits.config';
import { RemindersService } from './reminders.service';

const LOCK_NAME = 'visits:reminder-scheduler';

/**
 * Runs reminder passes every REMINDER_TICK_INTERVAL_MS in the one replica holding the leader lock
 * (renewed every third of its TTL). Each pass carries the lock's fencing token and Postgres refuses
 * a token older than one it has seen, so a leader that stalled past its TTL cannot write after its
 * successor; and a reminder has a unique row per task or cycle, so even two passes at once fire it once.
 */
@Injectable()
export class ReminderScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ReminderScheduler.name);
  readonly lock: LeaderLock;
  /** The fence row of this scheduler: per Redis namespace, since fencing tokens count per namespace. */
  readonly fence: string;
  private timers: NodeJS.Timeout[] = [];
  private renewing: Promise<unknown> | undefined;
  private passing: Promise<unknown> | undefined;

  constructor(
    private readonly reminders: RemindersService,
    @InjectRedis() redis: Redis,
    @InjectConfig() private readonly config: VisitsConfig,
  ) {
    this.lock = new LeaderLock(redis, { name: LOCK_NAME, ttlMs: config.reminders.leaderTtlMs });
    this.fence = `${config.redis.keyPrefix}${LOCK_NAME}`;
  }

  onApplicationBootstrap(): void {
    if (!this.config.reminders.enabled) return;
    this.renew();
    this.timers = [
      setInterval(() => this.renew(), Math.max(100, Math.floor(this.config.reminders.leaderTtlMs / 3))),
      setInterval(() => this.pass(), this.config.reminders.tickIntervalMs),
    ];
    for (const timer of this.timers) timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    await Promise.allSettled([this.renewing, this.passing]);
    if (this.lock.token !== undefined) await this.lock.release().catch(() => undefined);
  }

  private renew(): void {
    if (this.renewing) return;
    const wasLeader = this.lock.token !== undefined;
    this.renewing = this.lock
      .acquireOrRenew()
      .then((token) => {
        if (token !== undefined && !wasLeader) {
          this.logger.log(`leading the reminder scheduler (fencing token ${token})`);
          this.pass();
        }
        if (token === undefined && wasLeader) this.logger.warn('lost the reminder scheduler lock');
      })
      .finally(() => (this.renewing = undefined));
  }

  private pass(): void {
    const token = this.lock.token;
    if (token === undefined || this.passing) return;
    this.passing = this.reminders
      .runPass(this.fence, token)
      .then((pass) => {
        if (pass.fenced) this.logger.warn(`reminder pass with fencing token ${token} refused: a newer scheduler has written`);
        else if (pass.fired.length > 0 || pass.resolved > 0) this.logger.log(`reminders: ${pass.fired.length} fired, ${pass.resolved} resolved`);
      })
      .catch((error: unknown) => this.logger.error({ err: error }, 'reminder pass failed'))
      .finally(() => (this.passing = undefined));
  }
}
