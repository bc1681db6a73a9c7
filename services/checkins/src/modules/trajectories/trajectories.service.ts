import { Injectable } from '@nestjs/common';
import { type AuthenticatedUser, isInScope } from '@fieldforce/auth';
import { CommonException } from '@fieldforce/platform';
import { douglasPeucker, LocalProjection } from '../../common/geo';
import { CheckInsRepository } from '../check-ins/check-ins.repository';
import { CustomerLocationsService } from '../customer-locations/customer-locations.service';
import { DirectoryService } from '../directory/directory.service';
import { MAX_TRACK_RANGE_HOURS, type TrackQuery, type TrackRangeQuery } from './dto/track.query';
import { type StopResponse, type TrackResponse, type TripResponse } from './dto/track.response';
import { type StoredTrackPoint, TrackPointsRepository } from './track-points.repository';
import { TrajectoryException } from './trajectories.exception';
import { cleanTrack, detectStops, detectTrips, mileageM } from './track/track-analysis';

/** A check-in this close in time to a stop counts as covering it (the door is not the stop's edge). */
const VISIT_MATCH_SLACK_MS = 10 * 60_000;

// 7 decimals are about 1 cm: below any GPS error, and far below any simplification tolerance.
const round = (value: number, decimals: number): number => Math.round(value * 10 ** decimals) / 10 ** decimals;
const iso = (t: number): string => new Date(t).toISOString();

/**
 * What is derived from raw track points, computed on read so a late point shows at once: the
 * track (jitter filtered, simplified) with its mileage, stops labelled with customers, trips.
 */
@Injectable()
export class TrajectoriesService {
  constructor(
    private readonly points: TrackPointsRepository,
    private readonly directory: DirectoryService,
    private readonly customers: CustomerLocationsService,
    private readonly checkIns: CheckInsRepository,
  ) {}

  /**
   * The user's track in [from, to) as a GeoJSON LineString: jitter filtered, then simplified with
   * Douglas–Peucker so that no used point lies farther than `simplifyM` from the line.
   */
  async track(viewer: AuthenticatedUser, userId: string, query: TrackQuery): Promise<TrackResponse> {
    const { raw, cleaned, from, to } = await this.read(viewer, userId, query);
    const simplifyM = query.simplifyM ?? 0;
    const plane = LocalProjection.around(cleaned);
    const vertices = douglasPeucker(cleaned.map((point) => plane.project(point)), simplifyM).map((index) => cleaned[index]!);
    return {
      type: 'Feature',
      geometry:
        vertices.length < 2
          ? null
          : { type: 'LineString', coordinates: vertices.map((point) => [round(point.lng, 7), round(point.lat, 7)]) },
      properties: {
        userId,
        from: from.toISOString(),
        to: to.toISOString(),
        simplifyM,
        mileageM: round(mileageM(cleaned), 1),
        pointCount: raw.length,
        usedPointCount: cleaned.length,
        times: vertices.map((point) => iso(point.t)),
      },
    };
  }

  /** The user's stops in [from, to), each labelled with the customer whose geofence holds it. */
  async stops(viewer: AuthenticatedUser, userId: string, query: TrackRangeQuery): Promise<StopResponse[]> {
    const { cleaned } = await this.read(viewer, userId, query);
    const stops: StopResponse[] = [];
    for (const stop of detectStops(cleaned)) {
      const customer = await this.customers.at(viewer.tenantId, stop.centre);
      const planned =
        customer !== undefined &&
        (await this.checkIns.taskVisitOverlaps(
          viewer.tenantId,
          userId,
          customer.id,
          new Date(stop.arrivedAt - VISIT_MATCH_SLACK_MS),
          new Date(stop.departedAt + VISIT_MATCH_SLACK_MS),
        ));
      stops.push({
        arrivedAt: iso(stop.arrivedAt),
        departedAt: iso(stop.departedAt),
        durationS: stop.durationS,
        centre: { lat: round(stop.centre.lat, 7), lng: round(stop.centre.lng, 7) },
        customer: customer ? { id: customer.id, name: customer.name, distanceM: round(customer.distanceM, 1) } : null,
        unplannedVisit: customer !== undefined && !planned,
      });
    }
    return stops;
  }

  /** The user's trips in [from, to): between stops, and from the start and to the end of the range. */
  async trips(viewer: AuthenticatedUser, userId: string, query: TrackRangeQuery): Promise<TripResponse[]> {
    const { cleaned } = await this.read(viewer, userId, query);
    return detectTrips(cleaned, detectStops(cleaned)).map((trip) => ({
      startedAt: iso(trip.startedAt),
      endedAt: iso(trip.endedAt),
      durationS: trip.durationS,
      distanceM: round(trip.distanceM, 1),
      from: { lat: round(trip.from.lat, 7), lng: round(trip.from.lng, 7) },
      to: { lat: round(trip.to.lat, 7), lng: round(trip.to.lng, 7) },
    }));
  }

  private async read(
    viewer: AuthenticatedUser,
    userId: string,
    query: TrackRangeQuery,
  ): Promise<{ raw: StoredTrackPoint[]; cleaned: StoredTrackPoint[]; from: Date; to: Date }> {
    const from = new Date(query.from);
    const to = new Date(query.to);
    if (!(to > from) || to.getTime() - from.getTime() > MAX_TRACK_RANGE_HOURS * 3_600_000) {
      throw CommonException.validationFailed([{ field: 'to', message: `must be after from, by at most ${MAX_TRACK_RANGE_HOURS} hours` }]);
    }
    await this.assertVisible(viewer, userId);
    const raw = await this.points.track(viewer.tenantId, userId, from, to);
    return { raw, cleaned: cleanTrack(raw), from, to };
  }

  /** A user's track is theirs: others see it within their data scope over the user's org unit. */
  private async assertVisible(viewer: AuthenticatedUser, userId: string): Promise<void> {
    if (viewer.userId === userId || viewer.scope === 'all') return;
    const orgPath = await this.directory.userOrgPath(viewer.tenantId, userId);
    if (orgPath === undefined || !isInScope(viewer, { tenantId: viewer.tenantId, ownerId: userId, orgPath })) {
      throw TrajectoryException.userNotFound(userId);
    }
  }
}
