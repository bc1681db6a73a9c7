import { type FieldError } from '@fieldforce/platform';
import { GeoException } from './geo.exception';

/** A point on Earth in degrees (WGS 84). */
export interface LatLng {
  lat: number;
  lng: number;
}

/**
 * The sphere distances are measured on: PostGIS's sphere for WGS 84, (2a + b) / 3, so that the
 * plain-SQL path and PostGIS (`use_spheroid => false`) agree to the millimetre.
 */
export const EARTH_RADIUS_M = (2 * 6_378_137 + 6_356_752.314245) / 3;

const radians = (degrees: number): number => (degrees * Math.PI) / 180;
const degrees = (radians: number): number => (radians * 180) / Math.PI;

/** Great-circle distance in metres, by the same formula as PostGIS's sphere distance (and `sphereDistanceSql`). */
export function distanceMeters(from: LatLng, to: LatLng): number {
  const lat1 = radians(from.lat);
  const lat2 = radians(to.lat);
  const dLng = radians(to.lng - from.lng);
  const a = Math.hypot(Math.cos(lat2) * Math.sin(dLng), Math.cos(lat1) * Math.sin(lat2) - Math.sin(lat1) * Math.cos(lat2) * Math.cos(dLng));
  const b = Math.sin(lat1) * Math.sin(lat2) + Math.cos(lat1) * Math.cos(lat2) * Math.cos(dLng);
  return EARTH_RADIUS_M * Math.atan2(a, b);
}

/**
 * `distanceMeters` as a SQL expression over degree columns or parameters (`sphereDistanceSql('c.lat',
 * 'c.lng', ':lat', ':lng')`), for the plain-SQL `near` search.
 */
export function sphereDistanceSql(lat1: string, lng1: string, lat2: string, lng2: string): string {
  const [p1, p2, dl] = [`radians(${lat1})`, `radians(${lat2})`, `radians(${lng2} - ${lng1})`];
  const a = `sqrt(power(cos(${p2}) * sin(${dl}), 2) + power(cos(${p1}) * sin(${p2}) - sin(${p1}) * cos(${p2}) * cos(${dl}), 2))`;
  const b = `(sin(${p1}) * sin(${p2}) + cos(${p1}) * cos(${p2}) * cos(${dl}))`;
  return `(${EARTH_RADIUS_M} * atan2(${a}, ${b}))`;
}

/** A box of latitudes and (one or two, across the antimeridian) longitude ranges. */
export interface BoundingBox {
  minLat: number;
  maxLat: number;
  lngRanges: [number, number][];
}

/**
 * The smallest lat/lng box holding every point within `radiusM` of `center` (Matuschek's method),
 * for an index prefilter before the exact distance; a box reaching a pole spans every longitude.
 */
export function boundingBox(center: LatLng, radiusM: number): BoundingBox {
  const angular = radiusM / EARTH_RADIUS_M;
  const minLat = center.lat - degrees(angular);
  const maxLat = center.lat + degrees(angular);
  if (minLat <= -90 || maxLat >= 90 || angular >= Math.PI / 2) {
    return { minLat: Math.max(minLat, -90), maxLat: Math.min(maxLat, 90), lngRanges: [[-180, 180]] };
  }
  const ratio = Math.sin(angular) / Math.cos(radians(center.lat));
  if (ratio >= 1) return { minLat, maxLat, lngRanges: [[-180, 180]] };
  const dLng = degrees(Math.asin(ratio));
  const west = center.lng - dLng;
  const east = center.lng + dLng;
  if (west < -180) return { minLat, maxLat, lngRanges: [[west + 360, 180], [-180, east]] };
  if (east > 180) return { minLat, maxLat, lngRanges: [[west, 180], [-180, east - 360]] };
  return { minLat, maxLat, lngRanges: [[west, east]] };
}

/** Why `point` is not a location (non-finite, or latitude/longitude out of range), by field; empty when fine. */
export function locationIssues(point: LatLng, field = 'location'): FieldError[] {
  const issues: FieldError[] = [];
  const check = (axis: 'lat' | 'lng', limit: number) => {
    const value = point[axis];
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      issues.push({ field: `${field}.${axis}`, message: 'must be a finite number' });
    } else if (value < -limit || value > limit) {
      issues.push({ field: `${field}.${axis}`, message: `must be between -${limit} and ${limit}` });
    }
  };
  check('lat', 90);
  check('lng', 180);
  return issues;
}

/** Throws a 422 naming each bad coordinate unless `point` is a valid location. */
export function assertValidLocation(point: LatLng, field = 'location'): void {
  const issues = locationIssues(point, field);
  if (issues.length > 0) throw GeoException.invalidLocation(issues);
}
