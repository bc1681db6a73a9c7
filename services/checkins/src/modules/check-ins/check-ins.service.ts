import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, QueryFailedError } from 'typeorm';
import { type AuthenticatedUser } from '@fieldforce/auth';
import { type CheckInPhase, type CheckInPhoto, type CheckInPoint, type CheckInState } from '@fieldforce/contracts';
import { OutboxPublisher } from '@fieldforce/messaging';
import { type IdempotentRequest, IdempotentWrites } from '@fieldforce/persistence';
import { CommonException, DEFAULT_PAGE_SIZE, type IdempotencyKeyHeader, UploadVerifier, type VerifiedUploadsOf } from '@fieldforce/platform';
import { CustomerLocationsService } from '../customer-locations/customer-locations.service';
import { DirectoryService } from '../directory/directory.service';
import { TrackPointsRepository } from '../trajectories/track-points.repository';
import { toCheckInState } from './check-in.state';
import { type CheckInCursor, CheckInsRepository } from './check-ins.repository';
import { CheckInException } from './check-ins.exception';
import { type CheckInPointDto, type CheckOutDto, type CreateCheckInDto } from './dto/check-in-point.dto';
import { type ListCheckInsQuery } from './dto/list-check-ins.query';
import { type ReviewCheckInDto } from './dto/review-check-in.dto';
import { CheckIn } from './entities/check-in.entity';
import { assessTrust, overallTrust, type TrustEvidence } from './trust-score';

/** How far back the user's previous position is looked for by the speed check. */
const SPEED_CHECK_LOOKBACK_MS = 12 * 3_600_000;
const UNIQUE_VIOLATION = '23505';

/** A page of a list: the items and the cursor of the next page (null on the last one). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

function toPoint(dto: CheckInPointDto): CheckInPoint {
  return {
    lat: dto.lat,
    lng: dto.lng,
    accuracyM: dto.accuracyM,
    capturedAt: new Date(dto.capturedAt).toISOString(),
    provider: dto.provider,
    isMock: dto.isMock,
  };
}

const toPhotoUploadIds = (ids: readonly string[] = []): string[] => ids.map((id) => id.toLowerCase());

// A repeated phase names the same uploads; their hashes were verified when it was first recorded.
function samePhase(stored: CheckInPhase, point: CheckInPoint, photoUploadIds: readonly string[]): boolean {
  const keys: (keyof CheckInPoint)[] = ['lat', 'lng', 'accuracyM', 'capturedAt', 'provider', 'isMock'];
  return (
    keys.every((key) => stored.point[key] === point[key]) &&
    stored.photos.length === photoUploadIds.length &&
    stored.photos.every((photo, index) => photo.uploadId === photoUploadIds[index])
  );
}

/** Who attaches photos: sync is asked with the caller's own Authorization header. */
const caller = (user: AuthenticatedUser, authorization: string) => ({ userId: user.userId, authorization });

/**
 * The phase's photos with the hashes sync verified (never a device's claim), in the order given.
 * Asked for inside the write after its replay checks, so a retry of a recorded phase needs no
 * answer from sync; `UploadVerifier.verifiedWrite` verifies them with no transaction open.
 */
function photosOf(verified: VerifiedUploadsOf, uploadIds: readonly string[] = []): CheckInPhoto[] {
  const references = uploadIds.map((uploadId, index) => ({ field: `photoUploadIds.${index}`, uploadId }));
  return verified(references).map((upload) => ({ uploadId: upload.id, sha256: upload.sha256 }));
}

function isPrimaryKeyClash(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driverError = error.driverError as { code?: string; constraint?: string };
  return driverError.code === UNIQUE_VIOLATION && driverError.constraint === 'check_ins_pkey';
}

/** The write's Idempotency-Key as the key store wants it: the user's own, in their tenant. */
function idempotentRequest(user: AuthenticatedUser, header: IdempotencyKeyHeader | undefined): IdempotentRequest | undefined {
  return header && { tenantId: user.tenantId, principal: user.userId, key: header.key, fingerprint: header.fingerprint };
}

function encodeCursor(checkIn: CheckIn): string {
  return Buffer.from(JSON.stringify([checkIn.checkedInAt.toISOString(), checkIn.id]), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string | undefined): CheckInCursor | null {
  if (cursor === undefined) return null;
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    const checkedInAt = new Date(at);
    if (typeof id === 'string' && /^[0-9a-f-]{36}$/.test(id) && !Number.isNaN(checkedInAt.getTime())) return { checkedInAt, id };
  } catch {
    // Not a cursor of this list: answered below like any other bad cursor.
  }
  throw CommonException.validationFailed([{ field: 'cursor', message: 'is not a cursor of this list' }]);
}

interface PhaseInput {
  checkInId: string;
  tenantId: string;
  userId: string;
  customerId: string;
  point: CheckInPoint;
  photos: CheckInPhoto[];
  offline: boolean;
  receivedAt: Date;
}

@Injectable()
export class CheckInsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly checkIns: CheckInsRepository,
    private readonly trackPoints: TrackPointsRepository,
    private readonly customers: CustomerLocationsService,
    private readonly directory: DirectoryService,
    private readonly outbox: OutboxPublisher,
    private readonly writes: IdempotentWrites,
    private readonly uploads: UploadVerifier,
  ) {}

  /**
   * Records a check-in of the user at a customer, judged by the trust checks, and publishes
   * `check-in.recorded` in the same transaction. Flagged check-ins are stored like verified ones.
   * Repeating a check-in (same id, same content) answers the stored one and records nothing; so
   * does replaying its Idempotency-Key (the first answer, stored with the check-in).
   * `photoUploadIds` must be complete uploads of the user, read from sync with `authorization` (the
   * caller's own header): 422 naming the field otherwise, 503 with nothing recorded while sync cannot say.
   */
  async record(
    user: AuthenticatedUser,
    input: CreateCheckInDto,
    authorization: string,
    idempotency?: IdempotencyKeyHeader,
    now = new Date(),
  ): Promise<{ checkIn: CheckInState; created: boolean }> {
    const id = input.id.toLowerCase();
    const attempt = (verified: VerifiedUploadsOf) =>
      this.writes.run(idempotentRequest(user, idempotency), async (manager) => {
        const replay = await this.replayOf(manager, user, id, input);
        if (replay) return { checkIn: replay, created: false };
        const phase = await this.judge(manager, {
          checkInId: id,
          tenantId: user.tenantId,
          userId: user.userId,
          customerId: input.customerId.toLowerCase(),
          point: toPoint(input.point),
          photos: photosOf(verified, input.photoUploadIds),
          offline: input.offline ?? false,
          receivedAt: now,
        });
        const verdict = overallTrust([phase]);
        const repository = manager.getRepository(CheckIn);
        await repository.insert({
          id,
          tenantId: user.tenantId,
          userId: user.userId,
          orgPath: user.orgPath,
          deviceId: input.deviceId,
          customerId: input.customerId.toLowerCase(),
          taskId: input.taskId?.toLowerCase() ?? null,
          offline: input.offline ?? false,
          status: verdict.verified ? 'verified' : 'flagged',
          trustScore: verdict.trustScore,
          reasons: verdict.reasons,
          checkIn: phase,
          checkedInAt: new Date(phase.point.capturedAt),
          checkOut: null,
          checkedOutAt: null,
          durationS: null,
          review: null,
        });
        await this.checkIns.addPhotos(manager, { id, tenantId: user.tenantId }, 'check-in', phase.photos);
        return { checkIn: await this.publish(manager, 'fieldforce.checkins.check-in.recorded.v1', await repository.findOneByOrFail({ id })), created: true };
      });
    const outcome = await this.uploads.verifiedWrite(caller(user, authorization), async (verified) => {
      try {
        return await attempt(verified);
      } catch (error) {
        if (!isPrimaryKeyClash(error)) throw error;
        // A concurrent retry of the same check-in won the race: now it is found and answered like any replay.
        return attempt(verified);
      }
    });
    if (outcome.result.created && !outcome.replayed) await this.directory.rememberUser(user);
    return outcome.result;
  }

  /**
   * Records the user's check-out of their own check-in, judged by the same checks; the record's
   * score and reasons then cover both phases. A flagged check-out reopens a review already made.
   * Repeating the same check-out answers the record as it is; replaying its Idempotency-Key
   * answers the first answer. Photos are verified as for `record`.
   */
  async checkOut(
    user: AuthenticatedUser,
    id: string,
    input: CheckOutDto,
    authorization: string,
    idempotency?: IdempotencyKeyHeader,
    now = new Date(),
  ): Promise<CheckInState> {
    const point = toPoint(input.point);
    const photoUploadIds = toPhotoUploadIds(input.photoUploadIds);
    const write = (verified: VerifiedUploadsOf) =>
      this.writes.run(idempotentRequest(user, idempotency), async (manager) => {
        const checkIn = await this.checkIns.findVisible(user, id, { manager, forUpdate: true });
        if (!checkIn || checkIn.userId !== user.userId) throw CheckInException.notFound(id);
        if (checkIn.checkOut) {
          if (samePhase(checkIn.checkOut, point, photoUploadIds)) return toCheckInState(checkIn);
          throw CheckInException.alreadyCheckedOut(id);
        }
        if (new Date(point.capturedAt) < checkIn.checkedInAt) throw CheckInException.checkOutBeforeCheckIn(id);
        const photos = photosOf(verified, photoUploadIds);
        const phase = await this.judge(manager, {
          checkInId: checkIn.id,
          tenantId: checkIn.tenantId,
          userId: checkIn.userId,
          customerId: checkIn.customerId,
          point,
          photos,
          offline: input.offline ?? false,
          receivedAt: now,
        });
        const verdict = overallTrust([checkIn.checkIn, phase]);
        const checkOutVerified = overallTrust([phase]).verified;
        checkIn.checkOut = phase;
        checkIn.checkedOutAt = new Date(point.capturedAt);
        checkIn.durationS = Math.round((checkIn.checkedOutAt.getTime() - checkIn.checkedInAt.getTime()) / 1000);
        checkIn.trustScore = verdict.trustScore;
        checkIn.reasons = verdict.reasons;
        if (!checkOutVerified) {
          checkIn.status = 'flagged';
          checkIn.review = null;
        }
        await manager.getRepository(CheckIn).save(checkIn);
        await this.checkIns.addPhotos(manager, checkIn, 'check-out', photos);
        return this.publish(manager, 'fieldforce.checkins.check-in.checked-out.v1', checkIn);
      });
    const { result } = await this.uploads.verifiedWrite(caller(user, authorization), write);
    return result;
  }

  /**
   * A reviewer's decision on a flagged check-in in their scope (never their own): the status
   * becomes the decision and `check-in.reviewed` is published. Repeating the same review answers
   * the record as it is.
   */
  async review(reviewer: AuthenticatedUser, id: string, input: ReviewCheckInDto, now = new Date()): Promise<CheckInState> {
    return this.dataSource.transaction(async (manager) => {
      const checkIn = await this.checkIns.findVisible(reviewer, id, { manager, forUpdate: true });
      if (!checkIn) throw CheckInException.notFound(id);
      if (checkIn.userId === reviewer.userId) throw CheckInException.selfReview(id);
      const { review } = checkIn;
      if (review && review.reviewerId === reviewer.userId && review.decision === input.decision && review.note === input.note) {
        return toCheckInState(checkIn);
      }
      if (checkIn.status !== 'flagged') throw CheckInException.notFlagged(id, checkIn.status);
      checkIn.review = { decision: input.decision, note: input.note, reviewerId: reviewer.userId, reviewedAt: now.toISOString() };
      checkIn.status = input.decision;
      await manager.getRepository(CheckIn).save(checkIn);
      return this.publish(manager, 'fieldforce.checkins.check-in.reviewed.v1', checkIn);
    });
  }

  /** The check-in, if it lies in the viewer's data scope (else not found, revealing nothing). */
  async get(viewer: AuthenticatedUser, id: string): Promise<CheckInState> {
    const checkIn = await this.checkIns.findVisible(viewer, id);
    if (!checkIn) throw CheckInException.notFound(id);
    return toCheckInState(checkIn);
  }

  /** The check-ins in the viewer's data scope matching the filters, newest capture first. */
  async list(viewer: AuthenticatedUser, query: ListCheckInsQuery): Promise<Page<CheckInState>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.checkIns.list(
      viewer,
      {
        userId: query.userId,
        customerId: query.customerId,
        taskId: query.taskId,
        status: query.status,
        from: query.from === undefined ? undefined : new Date(query.from),
        to: query.to === undefined ? undefined : new Date(query.to),
      },
      decodeCursor(query.cursor),
      limit,
    );
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    return { items: items.map(toCheckInState), nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
  }

  /** Judges one phase against the customer, the user's previous position, the clocks and earlier photos. */
  private async judge(manager: EntityManager, input: PhaseInput): Promise<CheckInPhase> {
    const capturedAt = new Date(input.point.capturedAt);
    const since = new Date(capturedAt.getTime() - SPEED_CHECK_LOOKBACK_MS);
    // Every read through the write's own transaction: a second pooled connection asked for while
    // this one is held would, with every connection held so, never come (the pool deadlocks).
    const customer = await this.customers.find(input.tenantId, input.customerId, manager);
    const reusedPhotos = await this.checkIns.countReusedPhotos(manager, input.tenantId, input.checkInId, input.photos);
    const lastTrackPoint = await this.trackPoints.latestBefore(input.tenantId, input.userId, capturedAt, since, manager);
    const lastCheckIn = await this.checkIns.latestPositionBefore(manager, input.tenantId, input.userId, capturedAt, since);
    const fromTrack = lastTrackPoint && { ...lastTrackPoint, capturedAt: new Date(lastTrackPoint.t) };
    const previous = [fromTrack, lastCheckIn]
      .filter((seen) => seen !== undefined)
      .sort((a, b) => b.capturedAt.getTime() - a.capturedAt.getTime())[0];
    const evidence: TrustEvidence = {
      point: { ...input.point, capturedAt },
      receivedAt: input.receivedAt,
      offline: input.offline,
      customer,
      previous,
      reusedPhotos,
    };
    const assessment = assessTrust(evidence);
    return {
      point: input.point,
      receivedAt: input.receivedAt.toISOString(),
      distanceM: assessment.distanceM,
      trustScore: assessment.trustScore,
      reasons: assessment.reasons,
      photos: input.photos,
    };
  }

  private async publish(
    manager: EntityManager,
    type:
      | 'fieldforce.checkins.check-in.recorded.v1'
      | 'fieldforce.checkins.check-in.checked-out.v1'
      | 'fieldforce.checkins.check-in.reviewed.v1',
    checkIn: CheckIn,
  ): Promise<CheckInState> {
    const state = toCheckInState(checkIn);
    await this.outbox.publish(manager, type, { subject: state.id, tenantId: state.tenantId, data: { checkIn: state } });
    return state;
  }

  /** The stored check-in when `id` exists with the same content; a conflict when it exists otherwise. */
  private async replayOf(manager: EntityManager, user: AuthenticatedUser, id: string, input: CreateCheckInDto): Promise<CheckInState | undefined> {
    const stored = await manager.getRepository(CheckIn).findOneBy({ id });
    if (!stored) return undefined;
    const same =
      stored.tenantId === user.tenantId &&
      stored.userId === user.userId &&
      stored.customerId === input.customerId.toLowerCase() &&
      stored.taskId === (input.taskId?.toLowerCase() ?? null) &&
      stored.deviceId === input.deviceId &&
      stored.offline === (input.offline ?? false) &&
      samePhase(stored.checkIn, toPoint(input.point), toPhotoUploadIds(input.photoUploadIds));
    if (!same) throw CheckInException.alreadyExists(id);
    return toCheckInState(stored);
  }
}
