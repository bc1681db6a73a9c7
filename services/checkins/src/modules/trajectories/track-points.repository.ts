import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { boolArray, float4Array, float8Array, int2Array, textArray, timestamptzArray } from './pg-binary-arrays';
import { type ValidTrackPoint } from './track/track-point';
import { type TrackingPrivacy } from './track/tracking-window';

/** A stored point as the track reads use it. */
export interface StoredTrackPoint {
  /** Capture time in epoch milliseconds. */
  t: number;
  lat: number;
  lng: number;
  accuracyM: number;
  speedMps: number | null;
  isMock: boolean;
}

/** Who sent a batch of points, and from which device. */
export interface PointSource {
  tenantId: string;
  userId: string;
  deviceId: string;
}

const NO_PARTITION = '23514';
const UNIQUE_VIOLATION = '23505';

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The batch's columns, in the order of the statements' `$4` … `$12`, as binary arrays. */
function pointColumns(points: readonly ValidTrackPoint[], retentionOf: (day: string) => number): Buffer[] {
  return [
    timestamptzArray(points, (point) => point.capturedAtMs),
    textArray(points, (point) => point.pointKey),
    int2Array(points, (point) => retentionOf(point.day)),
    float8Array(points, (point) => point.lat),
    float8Array(points, (point) => point.lng),
    float4Array(points, (point) => point.accuracyM),
    float4Array(points, (point) => point.speedMps),
    float4Array(points, (point) => point.headingDeg),
    boolArray(points, (point) => point.isMock),
  ];
}

/** True when an insert found no partition for a row (a day not created yet, or dropped meanwhile). */
export function isMissingPartition(error: unknown): boolean {
  const driverError = (error as { driverError?: { code?: string; message?: string } }).driverError;
  return driverError?.code === NO_PARTITION && /no partition of relation/.test(driverError.message ?? '');
}

// One statement for the whole batch: arrays in (binary, see pg-binary-arrays), one row per point out of unnest.
const POINT_COLUMNS =
  'tenant_id, user_id, device_id, captured_at, point_key, retention_days, lat, lng, accuracy_m, speed_mps, heading_deg, is_mock';
const POINT_ROWS = `
  SELECT $1::uuid, $2::uuid, $3::text, point.*
  FROM unnest($4::timestamptz[], $5::text[], $6::smallint[], $7::float8[], $8::float8[], $9::real[], $10::real[], $11::real[], $12::bool[])
    AS point`;
// The common case, a batch of new points: a plain insert, which costs Postgres about a third
// less than ON CONFLICT's speculative insertion per row.
const INSERT_NEW_POINTS = `INSERT INTO checkins.track_points (${POINT_COLUMNS}) ${POINT_ROWS}`;
// After a key clash (a replay or overlap): a point whose key is already stored, or that comes
// twice in the batch, is skipped.
const INSERT_POINTS_SKIPPING_STORED = `
  WITH stored AS (
    INSERT INTO checkins.track_points (${POINT_COLUMNS}) ${POINT_ROWS}
    ON CONFLICT DO NOTHING
    RETURNING 1
  )
  SELECT count(*)::int AS stored FROM stored`;

// Fixes the retention class of days seen for the first time (at the tenant's current retention,
// unless already too old for it) and reads the class of the others.
const RETENTION_CLASSES = `
  WITH fixed AS (
    INSERT INTO checkins.track_days (tenant_id, day, retention_days)
    SELECT $1::uuid, day, $3::smallint FROM unnest($2::date[]) AS day
    WHERE day >= $4::date - $3::int
    ON CONFLICT DO NOTHING
    RETURNING day, retention_days
  )
  SELECT to_char(day, 'YYYY-MM-DD') AS day, retention_days AS "retentionDays" FROM fixed
  UNION ALL
  SELECT to_char(day, 'YYYY-MM-DD'), retention_days FROM checkins.track_days WHERE tenant_id = $1 AND day = ANY($2::date[])`;

/** The SQL of raw track points: bulk insert, retention classes, reads by user and time. */
@Injectable()
export class TrackPointsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Stores the points (each with its day's retention class) that are not stored yet; answers how
   * many were new. Tries the batch as all new first; a key clash rolls that statement back whole
   * and the batch goes again skipping stored keys, so a point is never stored twice.
   */
  async insert(source: PointSource, points: readonly ValidTrackPoint[], retentionOf: (day: string) => number): Promise<number> {
    if (points.length === 0) return 0;
    // In key order, so that concurrent overlapping batches lock keys in the same order and cannot deadlock.
    const sorted = [...points].sort((a, b) => a.capturedAtMs - b.capturedAtMs || compare(a.pointKey, b.pointKey));
    const parameters = [source.tenantId, source.userId, source.deviceId, ...pointColumns(sorted, retentionOf)];
    try {
      await this.dataSource.query(INSERT_NEW_POINTS, parameters);
      return points.length;
    } catch (error) {
      if ((error as { driverError?: { code?: string } }).driverError?.code !== UNIQUE_VIOLATION) throw error;
    }
    const [row] = await this.dataSource.query<{ stored: number }[]>(INSERT_POINTS_SKIPPING_STORED, parameters);
    return row?.stored ?? 0;
  }

  /**
   * The retention class of each day, fixing it at `retentionDays` for days seen for the first
   * time. A day seen first when already older than `retentionDays` allows gets none.
   */
  async retentionClasses(tenantId: string, days: readonly string[], retentionDays: number, today: string): Promise<Map<string, number>> {
    const classes = new Map<string, number>();
    // Twice at most: a day fixed by a concurrent batch after this statement's snapshot shows up
    // on the second read.
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const pending = days.filter((day) => !classes.has(day));
      if (pending.length === 0) break;
      const rows = await this.dataSource.query<{ day: string; retentionDays: number }[]>(RETENTION_CLASSES, [
        tenantId,
        pending,
        retentionDays,
        today,
      ]);
      for (const row of rows) classes.set(row.day, row.retentionDays);
    }
    return classes;
  }

  /** The tenant's tracking choices (retention of raw points, privacy), where it made them. */
  async tenantSettings(tenantId: string): Promise<{ retentionDays: number | null; privacy: TrackingPrivacy | null } | undefined> {
    const [row] = await this.dataSource.query<{ retentionDays: number | null; privacy: TrackingPrivacy | null }[]>(
      `SELECT retention_days AS "retentionDays", privacy FROM checkins.tracking_settings WHERE tenant_id = $1`,
      [tenantId],
    );
    return row;
  }

  /**
   * Sets the tenant's retention of raw points (for days captured from now on that are not fixed
   * yet) and, when given, its tracking privacy; without one the privacy setting stays as it was.
   */
  async saveTenantSettings(tenantId: string, retentionDays: number, privacy: TrackingPrivacy | undefined): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO checkins.tracking_settings (tenant_id, retention_days, privacy) VALUES ($1, $2, $3::jsonb)
       ON CONFLICT (tenant_id) DO UPDATE
         SET retention_days = EXCLUDED.retention_days, privacy = coalesce(EXCLUDED.privacy, tracking_settings.privacy), updated_at = now()`,
      [tenantId, retentionDays, privacy === undefined ? null : JSON.stringify(privacy)],
    );
  }

  /** The retention classes tenants chose (besides the default), for creating partitions ahead. */
  async chosenRetentions(): Promise<number[]> {
    const rows = await this.dataSource.query<{ retentionDays: number }[]>(
      `SELECT DISTINCT retention_days AS "retentionDays" FROM checkins.tracking_settings WHERE retention_days IS NOT NULL`,
    );
    return rows.map((row) => row.retentionDays);
  }

  /** The user's points captured in [from, to), in capture order (all devices merged). */
  async track(tenantId: string, userId: string, from: Date, to: Date): Promise<StoredTrackPoint[]> {
    return this.dataSource.query<StoredTrackPoint[]>(
      `SELECT (extract(epoch FROM captured_at) * 1000)::float8 AS t, lat, lng, accuracy_m AS "accuracyM",
              speed_mps AS "speedMps", is_mock AS "isMock"
       FROM checkins.track_points
       WHERE tenant_id = $1 AND user_id = $2 AND captured_at >= $3 AND captured_at < $4
       ORDER BY captured_at, device_id, point_key`,
      [tenantId, userId, from.toISOString(), to.toISOString()],
    );
  }

  /** The user's last genuine (not mock) point captured in [notBefore, before), if any. */
  async latestBefore(
    tenantId: string,
    userId: string,
    before: Date,
    notBefore: Date,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<StoredTrackPoint | undefined> {
    const [row] = await manager.query<StoredTrackPoint[]>(
      `SELECT (extract(epoch FROM captured_at) * 1000)::float8 AS t, lat, lng, accuracy_m AS "accuracyM",
              speed_mps AS "speedMps", is_mock AS "isMock"
       FROM checkins.track_points
       WHERE tenant_id = $1 AND user_id = $2 AND captured_at < $3 AND captured_at >= $4 AND NOT is_mock
       ORDER BY captured_at DESC LIMIT 1`,
      [tenantId, userId, before.toISOString(), notBefore.toISOString()],
    );
    return row;
  }
}
