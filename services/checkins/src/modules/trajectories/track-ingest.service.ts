import { Injectable, Logger } from '@nestjs/common';
import { type AuthenticatedUser } from '@fieldforce/auth';
import { InjectConfig } from '@fieldforce/platform';
import { utcDay } from '../../common/utc-day';
import { type CheckinsConfig } from '../../config/checkins.config';
import { CheckInsRepository } from '../check-ins/check-ins.repository';
import { DirectoryService } from '../directory/directory.service';
import { LivePositionStore } from '../live-positions/live-position.store';
import { isMissingPartition, type PointSource, TrackPointsRepository } from './track-points.repository';
import { oldestKeptDay, type TrackPartitionKey, TrackPartitions } from './track/track-partitions';
import { PointRejection, type RejectedPoint, type ValidTrackPoint, validateTrackPoints } from './track/track-point';
import { TRACKING_PRIVACY_OFF, trackingAllowed, type TrackingPrivacy } from './track/tracking-window';

/** The outcome of one batch: new points stored, points already stored, and each refused point. */
export interface IngestResult {
  accepted: number;
  duplicates: number;
  rejected: RejectedPoint[];
}

/** The user a batch of points belongs to: always the token's user, never a client-named one. */
export type TrackOwner = Pick<AuthenticatedUser, 'userId' | 'tenantId' | 'orgPath'>;

/** A tenant's tracking settings in effect: its choices, or the service defaults. */
export interface TrackingSettings {
  retentionDays: number;
  privacy: TrackingPrivacy;
}

// A tenant's choices are re-read at most this often per replica.
const SETTINGS_TTL_MS = 60_000;
// Under the privacy setting, a visit without a check-out opens tracking for at most this long.
const LONGEST_VISIT_MS = 12 * 3_600_000;
// (tenant, day) → retention class never changes once fixed; the cache only needs a size bound.
const DAY_CLASS_CACHE_LIMIT = 100_000;

/**
 * Exactly-once ingest of track points: each point is validated on its own, given the retention
 * class of its day, and inserted in one statement per batch where a point already stored
 * (same user, device, key and capture time) is skipped. Replays, overlaps, out-of-order and late
 * batches therefore store every point once.
 */
@Injectable()
export class TrackIngestService {
  private readonly logger = new Logger(TrackIngestService.name);
  private readonly tenantSettings = new Map<string, { settings: TrackingSettings; loadedAt: number }>();
  private readonly dayClasses = new Map<string, number>();

  constructor(
    private readonly points: TrackPointsRepository,
    private readonly partitions: TrackPartitions,
    private readonly directory: DirectoryService,
    private readonly checkIns: CheckInsRepository,
    private readonly livePositions: LivePositionStore,
    @InjectConfig() private readonly config: CheckinsConfig,
  ) {}

  /** Stores a batch of the user's points from one device; one bad point never fails the others. */
  async ingest(owner: TrackOwner, batch: { deviceId: string; points: readonly unknown[] }, now = new Date()): Promise<IngestResult> {
    const checked = validateTrackPoints(batch.points, now);
    const { allowed: valid, outside } = await this.withinPrivacy(owner, checked.valid);
    const rejected = [...checked.rejected, ...outside];
    const source: PointSource = { tenantId: owner.tenantId, userId: owner.userId, deviceId: batch.deviceId };
    let stored: { accepted: number; kept: ValidTrackPoint[]; tooOld: RejectedPoint[] };
    try {
      stored = await this.store(source, valid, now);
    } catch (error) {
      if (!isMissingPartition(error)) throw error;
      // Another replica dropped or had not yet created a partition this one thought it knew.
      this.partitions.forget();
      stored = await this.store(source, valid, now);
    }
    await this.directory.rememberUser(owner);
    await this.recordLivePosition(source, stored.kept);
    return {
      accepted: stored.accepted,
      duplicates: stored.kept.length - stored.accepted,
      rejected: [...rejected, ...stored.tooOld].sort((a, b) => a.index - b.index),
    };
  }

  /** The tenant's tracking settings in effect (its choices, or the service defaults). */
  async settings(tenantId: string): Promise<TrackingSettings> {
    const cached = this.tenantSettings.get(tenantId);
    if (cached && Date.now() - cached.loadedAt < SETTINGS_TTL_MS) return cached.settings;
    const chosen = await this.points.tenantSettings(tenantId);
    const settings: TrackingSettings = {
      retentionDays: chosen?.retentionDays ?? this.config.tracking.defaultRetentionDays,
      privacy: chosen?.privacy ?? TRACKING_PRIVACY_OFF,
    };
    this.tenantSettings.set(tenantId, { settings, loadedAt: Date.now() });
    return settings;
  }

  /**
   * Changes how long the tenant keeps raw points and, when given, its tracking privacy. Days
   * already holding points keep the retention they were stored under (their partitions are per
   * retention class); new days get this one.
   */
  async saveSettings(tenantId: string, retentionDays: number, privacy?: TrackingPrivacy): Promise<TrackingSettings> {
    await this.points.saveTenantSettings(tenantId, retentionDays, privacy);
    this.tenantSettings.delete(tenantId);
    return this.settings(tenantId);
  }

  /** Under the tenant's privacy setting, the points it lets the service store, and the others refused. */
  private async withinPrivacy(
    owner: TrackOwner,
    points: ValidTrackPoint[],
  ): Promise<{ allowed: ValidTrackPoint[]; outside: RejectedPoint[] }> {
    const { privacy } = await this.settings(owner.tenantId);
    if (!privacy.enabled || points.length === 0) return { allowed: points, outside: [] };
    let first = Number.POSITIVE_INFINITY;
    let last = Number.NEGATIVE_INFINITY;
    for (const point of points) {
      first = Math.min(first, point.capturedAtMs);
      last = Math.max(last, point.capturedAtMs);
    }
    const visits = privacy.duringVisits
      ? await this.checkIns.visitIntervals(owner.tenantId, owner.userId, new Date(first), new Date(last), LONGEST_VISIT_MS)
      : [];
    const allowed: ValidTrackPoint[] = [];
    const outside: RejectedPoint[] = [];
    for (const point of points) {
      if (trackingAllowed(new Date(point.capturedAtMs), privacy, visits)) allowed.push(point);
      else outside.push({ index: point.index, reason: PointRejection.OutsideTrackingWindow, message: 'captured outside the working hours and visits this tenant tracks' });
    }
    return { allowed, outside };
  }

  private async store(
    source: PointSource,
    valid: readonly ValidTrackPoint[],
    now: Date,
  ): Promise<{ accepted: number; kept: ValidTrackPoint[]; tooOld: RejectedPoint[] }> {
    const today = utcDay(now);
    const days = new Set<string>();
    for (const point of valid) days.add(point.day);
    const classes = await this.classesOf(source.tenantId, [...days], today);
    // Decided per day, not per point: a batch spans a day or two.
    const keptDays = new Map<string, TrackPartitionKey>();
    for (const day of days) {
      const retentionDays = classes.get(day);
      if (retentionDays !== undefined && day >= oldestKeptDay(today, retentionDays)) keptDays.set(day, { day, retentionDays });
    }
    const kept: ValidTrackPoint[] = [];
    const tooOld: RejectedPoint[] = [];
    for (const point of valid) {
      if (keptDays.has(point.day)) kept.push(point);
      else tooOld.push({ index: point.index, reason: PointRejection.BeyondRetention, message: 'older than this tenant keeps track points' });
    }
    await this.partitions.ensure([...keptDays.values()]);
    const accepted = await this.points.insert(source, kept, (day) => classes.get(day)!);
    return { accepted, kept, tooOld };
  }

  private async classesOf(tenantId: string, days: readonly string[], today: string): Promise<Map<string, number>> {
    const classes = new Map<string, number>();
    const unknown: string[] = [];
    for (const day of days) {
      const retentionDays = this.dayClasses.get(`${tenantId}|${day}`);
      if (retentionDays === undefined) unknown.push(day);
      else classes.set(day, retentionDays);
    }
    if (unknown.length === 0) return classes;
    const fixed = await this.points.retentionClasses(tenantId, unknown, (await this.settings(tenantId)).retentionDays, today);
    if (this.dayClasses.size + fixed.size > DAY_CLASS_CACHE_LIMIT) this.dayClasses.clear();
    for (const [day, retentionDays] of fixed) {
      this.dayClasses.set(`${tenantId}|${day}`, retentionDays);
      classes.set(day, retentionDays);
    }
    return classes;
  }

  // Live positions are a convenience rebuilt from the points: Redis being away never fails an ingest.
  private async recordLivePosition(source: PointSource, points: readonly ValidTrackPoint[]): Promise<void> {
    const latest = points.reduce<ValidTrackPoint | undefined>(
      (newest, point) => (!point.isMock && (!newest || point.capturedAtMs > newest.capturedAtMs) ? point : newest),
      undefined,
    );
    if (!latest) return;
    try {
      await this.livePositions.record(source.tenantId, {
        userId: source.userId,
        lat: latest.lat,
        lng: latest.lng,
        accuracyM: latest.accuracyM,
        speedMps: latest.speedMps,
        headingDeg: latest.headingDeg,
        capturedAt: new Date(latest.capturedAtMs).toISOString(),
        deviceId: source.deviceId,
      });
    } catch (error) {
      this.logger.warn({ err: error, userId: source.userId }, 'live position not recorded');
    }
  }
}
