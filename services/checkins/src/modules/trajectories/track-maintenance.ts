import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectConfig } from '@fieldforce/platform';
import { type CheckinsConfig } from '../../config/checkins.config';
import { TrackPointsRepository } from './track-points.repository';
import { type PartitionMaintenance, TrackPartitions } from './track/track-partitions';

/**
 * The partition job: at start and then every TRACK_MAINTENANCE_INTERVAL_MS, creates the daily
 * partitions of every retention class in use ahead of time and drops the days past retention.
 * Every replica runs it; the partition DDL lock makes concurrent runs harmless.
 */
@Injectable()
export class TrackMaintenance implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(TrackMaintenance.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly partitions: TrackPartitions,
    private readonly points: TrackPointsRepository,
    @InjectConfig() private readonly config: CheckinsConfig,
  ) {}

  onApplicationBootstrap(): void {
    // In the background: ingest creates a missing partition itself, so start-up need not wait.
    this.runLogged();
    this.timer = setInterval(() => this.runLogged(), this.config.tracking.maintenanceIntervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One maintenance pass as of `now`. */
  async run(now = new Date()): Promise<PartitionMaintenance> {
    const retentionClasses = [this.config.tracking.defaultRetentionDays, ...(await this.points.chosenRetentions())];
    return this.partitions.maintain({ now, aheadDays: this.config.tracking.partitionsAheadDays, retentionClasses });
  }

  private runLogged(): void {
    if (this.running) return;
    this.running = this.run()
      .catch((error: unknown) => this.logger.error({ err: error }, 'track partition maintenance failed'))
      .finally(() => (this.running = undefined));
  }
}
