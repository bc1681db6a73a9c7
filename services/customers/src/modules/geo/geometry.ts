import { type FieldError } from '@fieldforce/platform';
import { GeoException } from './geo.exception';
import { type LatLng } from './geo';

/** A GeoJSON position: longitude, latitude (an altitude, if any, is ignored). */
export type Position = [number, number];
/** A polygon: its outer ring, then its holes; each ring closed (last position = first). */
export type PolygonCoordinates = Position[][];

/** The territory shapes this service accepts (RFC 7946), in planar lng/lat like PostGIS geometry. */
export type AreaGeometry = { type: 'Polygon'; coordinates: PolygonCoordinates } | { type: 'MultiPolygon'; coordinates: PolygonCoordinates[] };

/** Most positions one geometry may have: the self-intersection check is quadratic in them. */
export const MAX_GEOMETRY_POSITIONS = 5_000;

/** The smallest lng/lat box around a geometry. */
export interface Box {
  minLat: number;
  maxLat: number;
  minLng: number;
  maxLng: number;
}

type Segment = [Position, Position];

const isArray = Array.isArray;

function cross(o: Position, a: Position, b: Position): number {
  return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
}

function onSegment(p: Position, [a, b]: Segment): boolean {
  return Math.min(a[0], b[0]) <= p[0] && p[0] <= Math.max(a[0], b[0]) && Math.min(a[1], b[1]) <= p[1] && p[1] <= Math.max(a[1], b[1]);
}

/** True when the closed segments share at least one point. */
export function segmentsIntersect(s: Segment, t: Segment): boolean {
  const d1 = cross(t[0], t[1], s[0]);
  const d2 = cross(t[0], t[1], s[1]);
  const d3 = cross(s[0], s[1], t[0]);
  const d4 = cross(s[0], s[1], t[1]);
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) return true;
  return (d1 === 0 && onSegment(s[0], t)) || (d2 === 0 && onSegment(s[1], t)) || (d3 === 0 && onSegment(t[0], s)) || (d4 === 0 && onSegment(t[1], s));
}

function segmentsOf(ring: readonly Position[]): Segment[] {
  return ring.slice(1).map((end, index) => [ring[index]!, end]);
}

/** Twice the signed planar area of a closed ring (shoelace). */
function doubleArea(ring: readonly Position[]): number {
  let sum = 0;
  for (let index = 1; index < ring.length; index += 1) {
    const [a, b] = [ring[index - 1]!, ring[index]!];
    sum += a[0] * b[1] - b[0] * a[1];
  }
  return sum;
}

/** Even-odd ray casting: inside when a ray to the east crosses the ring an odd number of times. */
function inRing(point: LatLng, ring: readonly Position[]): boolean {
  let inside = false;
  for (let index = 1; index < ring.length; index += 1) {
    const [[x1, y1], [x2, y2]] = [ring[index - 1]!, ring[index]!];
    if (y1 > point.lat !== y2 > point.lat && point.lng < ((x2 - x1) * (point.lat - y1)) / (y2 - y1) + x1) inside = !inside;
  }
  return inside;
}

function ringIssues(ring: unknown, field: string, issues: FieldError[]): ring is Position[] {
  if (!isArray(ring) || ring.length < 4) {
    issues.push({ field, message: 'must be a ring of at least 4 positions' });
    return false;
  }
  let valid = true;
  ring.forEach((position: unknown, index) => {
    const at = `${field}[${index}]`;
    if (!isArray(position) || position.length < 2 || position.length > 3 || !position.every((n) => typeof n === 'number' && Number.isFinite(n))) {
      issues.push({ field: at, message: 'must be [longitude, latitude] as finite numbers' });
      valid = false;
    } else if (Math.abs(position[0] as number) > 180 || Math.abs(position[1] as number) > 90) {
      issues.push({ field: at, message: 'must have a longitude within ±180 and a latitude within ±90' });
      valid = false;
    }
  });
  if (!valid) return false;
  const positions = ring as Position[];
  const [first, last] = [positions[0]!, positions[positions.length - 1]!];
  if (first[0] !== last[0] || first[1] !== last[1]) {
    issues.push({ field, message: 'is not closed: its last position must repeat its first' });
    return false;
  }
  const segments = segmentsOf(positions);
  for (let i = 0; i < segments.length; i += 1) {
    for (let j = i + 1; j < segments.length; j += 1) {
      const adjacent = j === i + 1 || (i === 0 && j === segments.length - 1);
      const [s, t] = [segments[i]!, segments[j]!];
      // Neighbours share a vertex; they intersect only if they also overlap along a line.
      const crossing = adjacent ? cross(s[0], s[1], t[j === i + 1 ? 1 : 0]) === 0 && overlapBeyondVertex(s, t) : segmentsIntersect(s, t);
      if (crossing) {
        issues.push({ field, message: `intersects itself (edges ${i} and ${j})` });
        return false;
      }
    }
  }
  return true;
}

// Two collinear neighbouring edges overlap (fold back) when the far end of one lies on the other.
function overlapBeyondVertex(s: Segment, t: Segment): boolean {
  const shared = s[1][0] === t[0][0] && s[1][1] === t[0][1] ? s[1] : s[0];
  const farS = shared === s[1] ? s[0] : s[1];
  const farT = t[0][0] === shared[0] && t[0][1] === shared[1] ? t[1] : t[0];
  return onSegment(farS, t) || onSegment(farT, s);
}

function polygonIssues(polygon: unknown, field: string, issues: FieldError[]): void {
  if (!isArray(polygon) || polygon.length === 0) {
    issues.push({ field, message: 'must be a list of rings: the outer ring, then any holes' });
    return;
  }
  const rings = polygon as unknown[];
  const valid = rings.map((ring, index) => ringIssues(ring, `${field}[${index}]`, issues));
  if (!valid.every(Boolean)) return;
  const [outer, ...holes] = rings as Position[][];
  holes.forEach((hole, index) => {
    const at = `${field}[${index + 1}]`;
    const crosses = [outer!, ...holes.filter((other) => other !== hole)].some((other) =>
      segmentsOf(hole).some((s) => segmentsOf(other).some((t) => segmentsIntersect(s, t))),
    );
    if (crosses) issues.push({ field: at, message: 'touches or crosses another ring of the polygon' });
    else if (!inRing({ lng: hole[0]![0], lat: hole[0]![1] }, outer!)) issues.push({ field: at, message: 'lies outside the outer ring' });
  });
}

// Positions `depth` levels down (rings of a polygon: 2, polygons of a multipolygon: 3), counting what is there.
function positionCount(value: unknown, depth: number): number {
  if (!isArray(value)) return 0;
  if (depth === 1) return value.length;
  return value.reduce((sum: number, item: unknown) => sum + positionCount(item, depth - 1), 0);
}

/** Why `value` is not a valid GeoJSON Polygon or MultiPolygon, by field; empty when it is. */
export function geometryIssues(value: unknown, field = 'geometry'): FieldError[] {
  const issues: FieldError[] = [];
  if (typeof value !== 'object' || value === null) return [{ field, message: 'must be a GeoJSON Polygon or MultiPolygon' }];
  const { type, coordinates } = value as { type?: unknown; coordinates?: unknown };
  if (type !== 'Polygon' && type !== 'MultiPolygon') return [{ field: `${field}.type`, message: 'must be Polygon or MultiPolygon' }];
  if (!isArray(coordinates) || coordinates.length === 0) return [{ field: `${field}.coordinates`, message: 'must be a non-empty array' }];
  if (positionCount(coordinates, type === 'Polygon' ? 2 : 3) > MAX_GEOMETRY_POSITIONS) {
    return [{ field: `${field}.coordinates`, message: `has more than ${MAX_GEOMETRY_POSITIONS} positions` }];
  }
  if (type === 'Polygon') polygonIssues(coordinates, `${field}.coordinates`, issues);
  else coordinates.forEach((polygon, index) => polygonIssues(polygon, `${field}.coordinates[${index}]`, issues));
  if (type === 'MultiPolygon' && issues.length === 0) issues.push(...overlapIssues(coordinates as PolygonCoordinates[], `${field}.coordinates`));
  return issues;
}

function ringBox(ring: readonly Position[]): Box {
  const lngs = ring.map((position) => position[0]);
  const lats = ring.map((position) => position[1]);
  return { minLng: Math.min(...lngs), maxLng: Math.max(...lngs), minLat: Math.min(...lats), maxLat: Math.max(...lats) };
}

function boxesMeet(a: Box, b: Box): boolean {
  return a.minLng <= b.maxLng && b.minLng <= a.maxLng && a.minLat <= b.maxLat && b.minLat <= a.maxLat;
}

function inPolygonArea([outer, ...holes]: PolygonCoordinates, point: LatLng): boolean {
  return inRing(point, outer!) && !holes.some((hole) => inRing(point, hole));
}

/**
 * The parts of a multipolygon must be disjoint: no two share a boundary point (they would overlap
 * or touch) and none lies inside another's area (an island in another's hole is fine).
 */
function overlapIssues(polygons: readonly PolygonCoordinates[], field: string): FieldError[] {
  const issues: FieldError[] = [];
  const boxes = polygons.map((polygon) => ringBox(polygon[0]!));
  for (let j = 1; j < polygons.length; j += 1) {
    for (let i = 0; i < j; i += 1) {
      if (!boxesMeet(boxes[i]!, boxes[j]!)) continue;
      const [a, b] = [polygons[i]!, polygons[j]!];
      const boundariesMeet = a.some((ringA) =>
        segmentsOf(ringA).some((s) => b.some((ringB) => segmentsOf(ringB).some((t) => segmentsIntersect(s, t)))),
      );
      const [firstA, firstB] = [a[0]![0]!, b[0]![0]!];
      const nested = inPolygonArea(a, { lng: firstB[0], lat: firstB[1] }) || inPolygonArea(b, { lng: firstA[0], lat: firstA[1] });
      if (boundariesMeet || nested) {
        issues.push({ field: `${field}[${j}]`, message: `overlaps or touches ${field}[${i}]: the parts of a multipolygon must be disjoint` });
        break;
      }
    }
  }
  return issues;
}

/** Returns `value` as a geometry, or throws a 422 naming every problem (unclosed ring, self-intersection…). */
export function assertValidGeometry(value: unknown, field = 'geometry'): AreaGeometry {
  const issues = geometryIssues(value, field);
  if (issues.length > 0) throw GeoException.invalidGeometry(issues);
  const { type, coordinates } = value as AreaGeometry;
  // Only the members that make the shape: no foreign members are stored.
  return { type, coordinates } as AreaGeometry;
}

function polygonsOf(geometry: AreaGeometry): PolygonCoordinates[] {
  return geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
}

/** True when the point lies inside the geometry (in an outer ring and in none of its holes). */
export function containsPoint(geometry: AreaGeometry, point: LatLng): boolean {
  return polygonsOf(geometry).some(([outer, ...holes]) => inRing(point, outer!) && !holes.some((hole) => inRing(point, hole)));
}

/** The planar area in square degrees: only to rank overlapping territories, smallest (most specific) first. */
export function planarArea(geometry: AreaGeometry): number {
  return polygonsOf(geometry).reduce(
    (sum, [outer, ...holes]) => sum + Math.abs(doubleArea(outer!)) / 2 - holes.reduce((h, hole) => h + Math.abs(doubleArea(hole)) / 2, 0),
    0,
  );
}

/** The lng/lat box around the geometry's outer rings. */
export function boxOf(geometry: AreaGeometry): Box {
  const positions = polygonsOf(geometry).flatMap(([outer]) => outer!);
  const lngs = positions.map((position) => position[0]);
  const lats = positions.map((position) => position[1]);
  return { minLng: Math.min(...lngs), maxLng: Math.max(...lngs), minLat: Math.min(...lats), maxLat: Math.max(...lats) };
}

/** True when the point lies in the box (edges included). */
export function boxContains(box: Box, point: LatLng): boolean {
  return point.lat >= box.minLat && point.lat <= box.maxLat && point.lng >= box.minLng && point.lng <= box.maxLng;
}
