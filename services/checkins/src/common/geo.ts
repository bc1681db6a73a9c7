/** A position in degrees (WGS 84). */
export interface LatLng {
  lat: number;
  lng: number;
}

/** A position in metres on a local plane (x east, y north). */
export interface PlanePoint {
  x: number;
  y: number;
}

/** Mean Earth radius (IUGG), the sphere all distances here are measured on. */
export const EARTH_RADIUS_M = 6_371_008.8;

const RAD = Math.PI / 180;

/** Great-circle distance in metres (haversine). */
export function haversineM(a: LatLng, b: LatLng): number {
  const dLat = (b.lat - a.lat) * RAD;
  const dLng = (b.lng - a.lng) * RAD;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * RAD) * Math.cos(b.lat * RAD) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * An equirectangular projection around a reference latitude: metres east and north of the
 * reference point. Distances on it differ from great-circle ones by well under 1% over the tens
 * of kilometres a day's track spans, and it costs no trigonometry per point.
 */
export class LocalProjection {
  private readonly metresPerDegLat = EARTH_RADIUS_M * RAD;
  private readonly metresPerDegLng: number;

  constructor(private readonly origin: LatLng) {
    this.metresPerDegLng = EARTH_RADIUS_M * RAD * Math.cos(origin.lat * RAD);
  }

  /** A projection centred on the mean position of `points` (the first point when empty). */
  static around(points: readonly LatLng[]): LocalProjection {
    if (points.length === 0) return new LocalProjection({ lat: 0, lng: 0 });
    const sum = points.reduce((acc, point) => ({ lat: acc.lat + point.lat, lng: acc.lng + point.lng }), { lat: 0, lng: 0 });
    return new LocalProjection({ lat: sum.lat / points.length, lng: sum.lng / points.length });
  }

  project(point: LatLng): PlanePoint {
    return { x: (point.lng - this.origin.lng) * this.metresPerDegLng, y: (point.lat - this.origin.lat) * this.metresPerDegLat };
  }

  unproject(point: PlanePoint): LatLng {
    return { lat: this.origin.lat + point.y / this.metresPerDegLat, lng: this.origin.lng + point.x / this.metresPerDegLng };
  }
}

/** Distance in metres between two plane points. */
export function planeDistance(a: PlanePoint, b: PlanePoint): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}

/** Distance from `p` to the segment from `a` to `b` (to the nearer end when the foot lies outside it). */
export function segmentDistance(p: PlanePoint, a: PlanePoint, b: PlanePoint): number {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const lengthSquared = dx * dx + dy * dy;
  if (lengthSquared === 0) return planeDistance(p, a);
  const along = Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / lengthSquared));
  return Math.hypot(p.x - (a.x + along * dx), p.y - (a.y + along * dy));
}

/**
 * Douglas–Peucker: the indices of the points to keep so that every dropped point lies within
 * `toleranceM` of the segment between the kept points around it. Keeps the first and last point;
 * iterative, so a day of one-second points cannot overflow the stack.
 */
export function douglasPeucker(points: readonly PlanePoint[], toleranceM: number): number[] {
  if (points.length <= 2 || toleranceM <= 0) return points.map((_, index) => index);
  const keep = new Uint8Array(points.length);
  keep[0] = 1;
  keep[points.length - 1] = 1;
  const ranges: [number, number][] = [[0, points.length - 1]];
  while (ranges.length > 0) {
    const [first, last] = ranges.pop()!;
    let farthest = -1;
    let farthestDistance = toleranceM;
    for (let index = first + 1; index < last; index += 1) {
      const distance = segmentDistance(points[index]!, points[first]!, points[last]!);
      if (distance > farthestDistance) {
        farthest = index;
        farthestDistance = distance;
      }
    }
    if (farthest === -1) continue;
    keep[farthest] = 1;
    ranges.push([first, farthest], [farthest, last]);
  }
  const kept: number[] = [];
  keep.forEach((flag, index) => {
    if (flag) kept.push(index);
  });
  return kept;
}
