import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectConfig } from '@fieldforce/platform';
import { type SyncConfig } from '../../config/sync.config';
import { FeedService } from './feed.service';

const DAY_MS = 86_400_000;

/**
 * The tombstone job: at start and then every SYNC_PURGE_INTERVAL_MS, removes deletes and scope
 * exits older than SYNC_TOMBSTONE_RETENTION_DAYS. Every replica runs it; concurrent runs are harmless.
 */
@Injectable()
export class FeedPurge implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(FeedPurge.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly feed: FeedService,
    @InjectConfig() private readonly config: SyncConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.runLogged();
    this.timer = setInterval(() => this.runLogged(), this.config.feed.purgeIntervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One purge as of `now`; resolves to how many tombstones went. */
  async run(now = new Date()): Promise<number> {
    return this.feed.purgeTombstones(new Date(now.getTime() - this.config.feed.tombstoneRetentionDays * DAY_MS));
  }

  private runLogged(): void {
    if (this.running) return;
    this.running = this.run()
      .catch((error: unknown) => this.logger.error({ err: error }, 'sync tombstone purge failed'))
      .finally(() => (this.running = undefined));
  }
}
