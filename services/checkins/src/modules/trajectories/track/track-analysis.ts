import { douglasPeucker, haversineM, type LatLng, LocalProjection, planeDistance } from '../../../common/geo';

/** A point of a track as the analysis needs it. */
export interface TrackSample extends LatLng {
  /** Capture time, epoch milliseconds. */
  t: number;
  accuracyM: number;
  isMock: boolean;
}

/** How raw points are cleaned before anything is derived from them. Raw points are never changed. */
export interface JitterFilterOptions {
  /** Points reported less accurate than this are ignored. */
  maxAccuracyM: number;
  /** For geometry and mileage, a point closer than this to the last kept one adds nothing (GPS jitter at rest). */
  minMovementM: number;
  /** A point reached and left faster than this, while its neighbours are not that far apart, is a spike. */
  maxSpeedMps: number;
  /** Mileage is measured along the track simplified to this tolerance, so sideways jitter does not add up. */
  mileageToleranceM: number;
}

/** Defaults: 50 m accuracy, 10 m movement, 70 m/s (252 km/h), mileage along the track within 5 m. */
export const DEFAULT_JITTER_FILTER: Readonly<JitterFilterOptions> = {
  maxAccuracyM: 50,
  minMovementM: 10,
  maxSpeedMps: 70,
  mileageToleranceM: 5,
};

/** How stops are told from movement. */
export interface StopOptions {
  /** A stop's points all lie within this distance of its centre. */
  radiusM: number;
  /** ...for at least this long. */
  minDwellS: number;
  /** Movement between two stops shorter than this is not a trip (the stops are kept apart unless they touch). */
  minTripDistanceM: number;
}

/** Defaults: within 50 m for 5 minutes makes a stop; a trip covers at least 100 m. */
export const DEFAULT_STOP_OPTIONS: Readonly<StopOptions> = { radiusM: 50, minDwellS: 300, minTripDistanceM: 100 };

/** A place the user stayed, by indices into the cleaned track. */
export interface Stop {
  firstIndex: number;
  lastIndex: number;
  centre: LatLng;
  arrivedAt: number;
  departedAt: number;
  durationS: number;
}

/** Movement between two stops (or from the start of the track to the first, or from the last to its end). */
export interface Trip {
  firstIndex: number;
  lastIndex: number;
  from: LatLng;
  to: LatLng;
  startedAt: number;
  endedAt: number;
  durationS: number;
  distanceM: number;
}

const speedMps = (a: TrackSample, b: TrackSample): number => haversineM(a, b) / Math.max(Math.abs(b.t - a.t) / 1000, 0.001);

/**
 * Removes what must not count: mock locations, points less accurate than `maxAccuracyM`, and
 * speed spikes (a point reached and left faster than `maxSpeedMps` while its neighbours are
 * within that speed of each other). The first and last point have one neighbour and are kept.
 */
export function cleanTrack<T extends TrackSample>(points: readonly T[], options: JitterFilterOptions = DEFAULT_JITTER_FILTER): T[] {
  const candidates = points.filter((point) => !point.isMock && point.accuracyM <= options.maxAccuracyM);
  const kept: T[] = [];
  candidates.forEach((point, index) => {
    const previous = kept.at(-1);
    const next = candidates[index + 1];
    const spike =
      previous !== undefined &&
      next !== undefined &&
      speedMps(previous, point) > options.maxSpeedMps &&
      speedMps(point, next) > options.maxSpeedMps &&
      speedMps(previous, next) <= options.maxSpeedMps;
    if (!spike) kept.push(point);
  });
  return kept;
}

/** Keeps the first point and then each point at least `minMovementM` from the last kept one. */
export function thinTrack<T extends LatLng>(points: readonly T[], minMovementM: number): T[] {
  const kept: T[] = [];
  for (const point of points) {
    const last = kept.at(-1);
    if (!last || haversineM(last, point) >= minMovementM) kept.push(point);
  }
  return kept;
}

/** Length of the polyline through the points, in metres. */
export function pathLengthM(points: readonly LatLng[]): number {
  let length = 0;
  for (let index = 1; index < points.length; index += 1) length += haversineM(points[index - 1]!, points[index]!);
  return length;
}

/**
 * Distance travelled along a cleaned track: its length once jitter at rest is thinned out and
 * the zig-zag of sideways jitter is simplified away (Douglas–Peucker at `mileageToleranceM`).
 */
export function mileageM(
  cleaned: readonly LatLng[],
  options: Pick<JitterFilterOptions, 'minMovementM' | 'mileageToleranceM'> = DEFAULT_JITTER_FILTER,
): number {
  const thinned = thinTrack(cleaned, options.minMovementM);
  const plane = LocalProjection.around(thinned);
  const kept = douglasPeucker(thinned.map((point) => plane.project(point)), options.mileageToleranceM);
  return pathLengthM(kept.map((index) => thinned[index]!));
}

/**
 * Stops of a cleaned track (stay points after Li et al., 2008): maximal runs of points within
 * `radiusM` of the run's first point that last at least `minDwellS`; a gap in the data inside
 * such a run counts as dwell. The centre is the mean of the run. Consecutive stops whose centres
 * lie within `radiusM` of each other are one stop.
 */
export function detectStops(cleaned: readonly TrackSample[], options: StopOptions = DEFAULT_STOP_OPTIONS): Stop[] {
  const plane = LocalProjection.around(cleaned);
  const xy = cleaned.map((point) => plane.project(point));
  const stops: Stop[] = [];
  let first = 0;
  while (first < cleaned.length) {
    let last = first;
    while (last + 1 < cleaned.length && planeDistance(xy[first]!, xy[last + 1]!) <= options.radiusM) last += 1;
    const arrivedAt = cleaned[first]!.t;
    const departedAt = cleaned[last]!.t;
    if ((departedAt - arrivedAt) / 1000 < options.minDwellS) {
      first += 1;
      continue;
    }
    let sumX = 0;
    let sumY = 0;
    for (let index = first; index <= last; index += 1) {
      sumX += xy[index]!.x;
      sumY += xy[index]!.y;
    }
    const count = last - first + 1;
    const stop = { firstIndex: first, lastIndex: last, centre: plane.unproject({ x: sumX / count, y: sumY / count }), arrivedAt, departedAt, durationS: (departedAt - arrivedAt) / 1000 };
    const previous = stops.at(-1);
    if (previous && haversineM(previous.centre, stop.centre) <= options.radiusM) stops[stops.length - 1] = mergeStops(previous, stop);
    else stops.push(stop);
    first = last + 1;
  }
  return stops;
}

function mergeStops(earlier: Stop, later: Stop): Stop {
  const earlierPoints = earlier.lastIndex - earlier.firstIndex + 1;
  const laterPoints = later.lastIndex - later.firstIndex + 1;
  const weight = (a: number, b: number): number => (a * earlierPoints + b * laterPoints) / (earlierPoints + laterPoints);
  return {
    firstIndex: earlier.firstIndex,
    lastIndex: later.lastIndex,
    centre: { lat: weight(earlier.centre.lat, later.centre.lat), lng: weight(earlier.centre.lng, later.centre.lng) },
    arrivedAt: earlier.arrivedAt,
    departedAt: later.departedAt,
    durationS: (later.departedAt - earlier.arrivedAt) / 1000,
  };
}

/**
 * Trips of a cleaned track: from its start to the first stop, between consecutive stops, and
 * from the last stop to its end, each at least `minTripDistanceM` long. A trip runs from the
 * centre of the stop it leaves to the centre of the stop it reaches, so its distance is that
 * between the places, not between the edges of their radii.
 */
export function detectTrips(
  cleaned: readonly TrackSample[],
  stops: readonly Stop[],
  options: StopOptions & Pick<JitterFilterOptions, 'minMovementM' | 'mileageToleranceM'> = { ...DEFAULT_STOP_OPTIONS, ...DEFAULT_JITTER_FILTER },
): Trip[] {
  if (cleaned.length < 2) return [];
  const legs: { firstIndex: number; lastIndex: number; leaves?: Stop; reaches?: Stop }[] = [];
  let firstIndex = 0;
  let leaves: Stop | undefined;
  for (const stop of stops) {
    legs.push({ firstIndex, lastIndex: stop.firstIndex, leaves, reaches: stop });
    firstIndex = stop.lastIndex;
    leaves = stop;
  }
  legs.push({ firstIndex, lastIndex: cleaned.length - 1, leaves });
  return legs.flatMap((leg) => {
    if (leg.lastIndex <= leg.firstIndex) return [];
    const start = cleaned[leg.firstIndex]!;
    const end = cleaned[leg.lastIndex]!;
    const from = leg.leaves?.centre ?? { lat: start.lat, lng: start.lng };
    const to = leg.reaches?.centre ?? { lat: end.lat, lng: end.lng };
    const distanceM = mileageM([from, ...cleaned.slice(leg.firstIndex + 1, leg.lastIndex), to], options);
    if (distanceM < options.minTripDistanceM) return [];
    return [
      {
        firstIndex: leg.firstIndex,
        lastIndex: leg.lastIndex,
        from,
        to,
        startedAt: start.t,
        endedAt: end.t,
        durationS: (end.t - start.t) / 1000,
        distanceM,
      },
    ];
  });
}
