import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectConfig } from '@fieldforce/platform';
import { type SyncConfig } from '../../config/sync.config';
import { UploadsService } from './uploads.service';

/**
 * The expiry job: at start and then every SYNC_UPLOAD_CLEANUP_INTERVAL_MS, marks uploads still
 * incomplete at their expiry as expired and removes their bytes. Every replica runs it; the
 * rows are claimed with SKIP LOCKED, so concurrent runs split the work.
 */
@Injectable()
export class UploadCleanup implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(UploadCleanup.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly uploads: UploadsService,
    @InjectConfig() private readonly config: SyncConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.runLogged();
    this.timer = setInterval(() => this.runLogged(), this.config.uploads.cleanupIntervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One sweep as of `now`; resolves to how many uploads expired. */
  run(now = new Date()): Promise<number> {
    return this.uploads.expireOverdue(now);
  }

  private runLogged(): void {
    if (this.running) return;
    this.running = this.run()
      .catch((error: unknown) => this.logger.error({ err: error }, 'upload expiry sweep failed'))
      .finally(() => (this.running = undefined));
  }
}
