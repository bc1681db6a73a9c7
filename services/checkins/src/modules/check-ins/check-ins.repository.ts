import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { type AuthenticatedUser, applyDataScope } from '@fieldforce/auth';
import { type CheckInPhoto, type CheckInStatus } from '@fieldforce/contracts';
import { type LatLng } from '../../common/geo';
import { CheckIn } from './entities/check-in.entity';

/** A position the user was seen at, for the speed check. */
export type SeenPosition = LatLng & { accuracyM: number; capturedAt: Date };

/** The filters of a check-in list. */
export interface CheckInFilter {
  userId?: string;
  customerId?: string;
  taskId?: string;
  status?: CheckInStatus;
  from?: Date;
  to?: Date;
}

/** Where a page of a list resumes: after this (checkedInAt, id), newest first. */
export interface CheckInCursor {
  checkedInAt: Date;
  id: string;
}

const SCOPE_COLUMNS = { ownerId: 'user_id' } as const;

/** The SQL of check-ins beyond plain repository calls: scoped reads, lists, positions, photo hashes. */
@Injectable()
export class CheckInsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The check-in if `viewer` may see it; with `forUpdate`, locked until the transaction of `manager` ends. */
  async findVisible(
    viewer: AuthenticatedUser,
    id: string,
    options: { manager?: EntityManager; forUpdate?: boolean } = {},
  ): Promise<CheckIn | null> {
    const query = (options.manager ?? this.dataSource.manager).getRepository(CheckIn).createQueryBuilder('checkIn').where('checkIn.id = :id', { id });
    if (options.forUpdate) query.setLock('pessimistic_write');
    return applyDataScope(query, viewer, { columns: SCOPE_COLUMNS }).getOne();
  }

  /** A page of the check-ins `viewer` may see, newest capture first; one more than `limit` says another page exists. */
  async list(viewer: AuthenticatedUser, filter: CheckInFilter, after: CheckInCursor | null, limit: number): Promise<CheckIn[]> {
    const query = this.dataSource.getRepository(CheckIn).createQueryBuilder('checkIn');
    applyDataScope(query, viewer, { columns: SCOPE_COLUMNS });
    if (filter.userId) query.andWhere('checkIn.user_id = :userId', { userId: filter.userId });
    if (filter.customerId) query.andWhere('checkIn.customer_id = :customerId', { customerId: filter.customerId });
    if (filter.taskId) query.andWhere('checkIn.task_id = :taskId', { taskId: filter.taskId });
    if (filter.status) query.andWhere('checkIn.status = :status', { status: filter.status });
    if (filter.from) query.andWhere('checkIn.checked_in_at >= :from', { from: filter.from });
    if (filter.to) query.andWhere('checkIn.checked_in_at < :to', { to: filter.to });
    if (after) {
      query.andWhere('(checkIn.checked_in_at, checkIn.id) < (:afterAt, :afterId)', { afterAt: after.checkedInAt, afterId: after.id });
    }
    return query.orderBy('checkIn.checked_in_at', 'DESC').addOrderBy('checkIn.id', 'DESC').limit(limit + 1).getMany();
  }

  /** The user's last genuine check-in or check-out position captured in [notBefore, before). */
  async latestPositionBefore(manager: EntityManager, tenantId: string, userId: string, before: Date, notBefore: Date): Promise<SeenPosition | undefined> {
    const [row] = await manager.query<{ lat: number; lng: number; accuracyM: number; capturedAt: Date }[]>(
      `SELECT lat, lng, "accuracyM", "capturedAt" FROM (
         SELECT (p->>'lat')::float8 AS lat, (p->>'lng')::float8 AS lng, (p->>'accuracyM')::float8 AS "accuracyM",
                at AS "capturedAt", (p->>'isMock')::boolean AS mock
         FROM checkins.check_ins,
              LATERAL (VALUES (check_in->'point', checked_in_at), (check_out->'point', checked_out_at)) AS phase(p, at)
         WHERE tenant_id = $1 AND user_id = $2 AND checked_in_at < $3::timestamptz
           AND checked_in_at >= $4::timestamptz - interval '1 day'
       ) AS seen
       WHERE "capturedAt" < $3::timestamptz AND "capturedAt" >= $4::timestamptz AND NOT mock
       ORDER BY "capturedAt" DESC LIMIT 1`,
      [tenantId, userId, before, notBefore],
    );
    return row;
  }

  /**
   * How many of the photos another check-in of the tenant already has. Takes a transaction
   * lock per photo first, so two check-ins sending the same photo at once cannot both miss it.
   */
  async countReusedPhotos(manager: EntityManager, tenantId: string, checkInId: string, photos: readonly CheckInPhoto[]): Promise<number> {
    const hashes = [...new Set(photos.map((photo) => photo.sha256))].sort();
    if (hashes.length === 0) return 0;
    for (const sha256 of hashes) {
      await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`checkins.photo:${tenantId}:${sha256}`]);
    }
    const [row] = await manager.query<{ reused: number }[]>(
      `SELECT count(DISTINCT sha256)::int AS reused FROM checkins.check_in_photos
       WHERE tenant_id = $1 AND sha256 = ANY($2::text[]) AND check_in_id <> $3`,
      [tenantId, hashes, checkInId],
    );
    return row?.reused ?? 0;
  }

  /** Remembers the photos of one phase of a check-in. */
  async addPhotos(
    manager: EntityManager,
    checkIn: Pick<CheckIn, 'id' | 'tenantId'>,
    phase: 'check-in' | 'check-out',
    photos: readonly CheckInPhoto[],
  ): Promise<void> {
    if (photos.length === 0) return;
    await manager.query(
      `INSERT INTO checkins.check_in_photos (tenant_id, sha256, check_in_id, phase, upload_id)
       SELECT $1, photo.sha256, $2, $3, photo.upload_id FROM unnest($4::text[], $5::uuid[]) AS photo(sha256, upload_id)
       ON CONFLICT DO NOTHING`,
      [checkIn.tenantId, checkIn.id, phase, photos.map((photo) => photo.sha256), photos.map((photo) => photo.uploadId)],
    );
  }

  /**
   * True when the user checked in at the customer for a task at some time overlapping
   * [from, to]: the visit was planned.
   */
  async taskVisitOverlaps(tenantId: string, userId: string, customerId: string, from: Date, to: Date): Promise<boolean> {
    const [row] = await this.dataSource.query<{ covered: boolean }[]>(
      `SELECT EXISTS (
         SELECT 1 FROM checkins.check_ins
         WHERE tenant_id = $1 AND user_id = $2 AND customer_id = $3 AND task_id IS NOT NULL
           AND checked_in_at <= $5 AND coalesce(checked_out_at, checked_in_at) >= $4
       ) AS covered`,
      [tenantId, userId, customerId, from, to],
    );
    return row?.covered === true;
  }

  /**
   * The user's visits overlapping [from, to]: check-in capture to check-out capture, at most
   * `longestMs` (a forgotten check-out does not open tracking for ever, and the scan stays short).
   */
  async visitIntervals(tenantId: string, userId: string, from: Date, to: Date, longestMs: number): Promise<{ from: Date; to: Date }[]> {
    return this.dataSource.query<{ from: Date; to: Date }[]>(
      `SELECT checked_in_at AS "from", least(coalesce(checked_out_at, 'infinity'), checked_in_at + $5 * interval '1 millisecond') AS "to"
       FROM checkins.check_ins
       WHERE tenant_id = $1 AND user_id = $2
         AND checked_in_at <= $4 AND checked_in_at >= $3::timestamptz - $5 * interval '1 millisecond'
       ORDER BY checked_in_at`,
      [tenantId, userId, from, to, longestMs],
    );
  }
}
