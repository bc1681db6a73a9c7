import { GeoException } from './geo.exception';
import { assertValidGeometry, type AreaGeometry, boxOf, containsPoint, geometryIssues, MAX_GEOMETRY_POSITIONS, planarArea, segmentsIntersect } from './geometry';

const square = (x: number, y: number, size: number): [number, number][] => [
  [x, y],
  [x + size, y],
  [x + size, y + size],
  [x, y + size],
  [x, y],
];
const polygon = (...rings: [number, number][][]): AreaGeometry => ({ type: 'Polygon', coordinates: rings });

describe(geometryIssues.name, () => {
  it('accepts a simple polygon, one with a hole, and a multipolygon', () => {
    expect(geometryIssues(polygon(square(13, 52, 1)))).toEqual([]);
    expect(geometryIssues(polygon(square(13, 52, 1), square(13.25, 52.25, 0.5)))).toEqual([]);
    expect(geometryIssues({ type: 'MultiPolygon', coordinates: [[square(0, 0, 1)], [square(5, 5, 1)]] })).toEqual([]);
    // Collinear neighbouring edges are fine as long as they do not fold back.
    expect(geometryIssues(polygon([[0, 0], [1, 0], [2, 0], [2, 2], [0, 2], [0, 0]]))).toEqual([]);
  });

  it('refuses a ring that is not closed or too short', () => {
    expect(geometryIssues(polygon([[0, 0], [1, 0], [1, 1], [0, 1]]))).toEqual([
      { field: 'geometry.coordinates[0]', message: 'is not closed: its last position must repeat its first' },
    ]);
    expect(geometryIssues(polygon([[0, 0], [1, 0], [0, 0]]))[0]?.message).toMatch(/at least 4 positions/);
  });

  it('refuses a self-intersecting ring: a bow tie, a spike folding back, a ring without area', () => {
    expect(geometryIssues(polygon([[0, 0], [2, 2], [2, 0], [0, 2], [0, 0]]))[0]?.message).toMatch(/intersects itself/);
    expect(geometryIssues(polygon([[0, 0], [2, 0], [2, 2], [2, 1], [2, 3], [0, 2], [0, 0]]))[0]?.message).toMatch(/intersects itself/);
    expect(geometryIssues(polygon([[0, 0], [1, 1], [2, 2], [0, 0]]))[0]?.message).toMatch(/intersects itself/);
  });

  it('refuses a hole outside its polygon or crossing its outer ring', () => {
    expect(geometryIssues(polygon(square(0, 0, 1), square(5, 5, 1)))).toEqual([
      { field: 'geometry.coordinates[1]', message: 'lies outside the outer ring' },
    ]);
    expect(geometryIssues(polygon(square(0, 0, 1), square(0.5, 0.5, 1)))[0]?.message).toMatch(/crosses another ring/);
  });

  it('refuses a multipolygon whose parts overlap, touch or nest, but accepts an island in a hole', () => {
    const multi = (...polygons: [number, number][][][]): AreaGeometry => ({ type: 'MultiPolygon', coordinates: polygons });
    const overlapping = geometryIssues(multi([square(0, 0, 2)], [square(1, 1, 2)]));
    expect(overlapping).toEqual([
      { field: 'geometry.coordinates[1]', message: 'overlaps or touches geometry.coordinates[0]: the parts of a multipolygon must be disjoint' },
    ]);
    // Sharing an edge, and one part wholly inside the other (no boundary crossing at all).
    expect(geometryIssues(multi([square(0, 0, 1)], [square(1, 0, 1)]))[0]?.field).toBe('geometry.coordinates[1]');
    expect(geometryIssues(multi([square(0, 0, 4)], [square(1, 1, 1)]))[0]?.field).toBe('geometry.coordinates[1]');
    expect(geometryIssues(multi([square(1, 1, 1)], [square(0, 0, 4)]))[0]?.field).toBe('geometry.coordinates[1]');
    // Only the later part of a clashing pair is named, once, even when it clashes with several.
    expect(geometryIssues(multi([square(0, 0, 2)], [square(10, 10, 1)], [square(1, 1, 2)], [square(0.5, 0.5, 3)])).map((issue) => issue.field)).toEqual([
      'geometry.coordinates[2]',
      'geometry.coordinates[3]',
    ]);
    expect(geometryIssues(multi([square(0, 0, 4), square(1, 1, 2)], [square(1.5, 1.5, 1)]))).toEqual([]);
    // The same shape as one polygon is not checked against itself.
    expect(geometryIssues(polygon(square(0, 0, 2)))).toEqual([]);
  });

  it('refuses positions that are not finite coordinates in range, naming each', () => {
    const ring = square(0, 0, 1);
    ring[1] = [181, 0];
    ring[2] = [Number.NaN, 1] as [number, number];
    expect(geometryIssues(polygon(ring)).map((issue) => issue.field)).toEqual(['geometry.coordinates[0][1]', 'geometry.coordinates[0][2]']);
  });

  it('refuses other types, missing coordinates and oversized shapes', () => {
    expect(geometryIssues({ type: 'Point', coordinates: [0, 0] })).toEqual([{ field: 'geometry.type', message: 'must be Polygon or MultiPolygon' }]);
    expect(geometryIssues({ type: 'Polygon' })[0]?.field).toBe('geometry.coordinates');
    expect(geometryIssues(null)[0]?.field).toBe('geometry');
    const huge = Array.from({ length: MAX_GEOMETRY_POSITIONS + 1 }, (_, index): [number, number] => [Math.cos(index), Math.sin(index)]);
    expect(geometryIssues(polygon(huge))[0]?.message).toMatch(/more than/);
  });
});

describe(assertValidGeometry.name, () => {
  it('throws a GeoException listing the problems, and keeps only type and coordinates of a valid one', () => {
    expect(() => assertValidGeometry(polygon([[0, 0], [2, 2], [2, 0], [0, 2], [0, 0]]))).toThrow(GeoException);
    expect(assertValidGeometry({ ...polygon(square(0, 0, 1)), properties: { colour: 'red' } })).toEqual(polygon(square(0, 0, 1)));
  });
});

describe(containsPoint.name, () => {
  const donut = polygon(square(0, 0, 4), square(1, 1, 2));

  it('finds points inside the outer ring, not in a hole and not outside', () => {
    expect(containsPoint(donut, { lng: 0.5, lat: 0.5 })).toBe(true);
    expect(containsPoint(donut, { lng: 2, lat: 2 })).toBe(false);
    expect(containsPoint(donut, { lng: 5, lat: 2 })).toBe(false);
  });

  it('finds points in any polygon of a multipolygon', () => {
    const islands: AreaGeometry = { type: 'MultiPolygon', coordinates: [[square(0, 0, 1)], [square(5, 5, 1)]] };
    expect(containsPoint(islands, { lng: 5.5, lat: 5.5 })).toBe(true);
    expect(containsPoint(islands, { lng: 3, lat: 3 })).toBe(false);
  });
});

describe(planarArea.name, () => {
  it('measures the outer rings less the holes, and the box spans the outer rings', () => {
    expect(planarArea(polygon(square(0, 0, 4), square(1, 1, 2)))).toBe(12);
    expect(boxOf({ type: 'MultiPolygon', coordinates: [[square(0, 0, 1)], [square(5, 5, 1)]] })).toEqual({ minLng: 0, maxLng: 6, minLat: 0, maxLat: 6 });
  });
});

describe(segmentsIntersect.name, () => {
  it('counts crossing and touching segments, not parallel or disjoint ones', () => {
    expect(segmentsIntersect([[0, 0], [2, 2]], [[0, 2], [2, 0]])).toBe(true);
    expect(segmentsIntersect([[0, 0], [2, 0]], [[1, 0], [1, 5]])).toBe(true);
    expect(segmentsIntersect([[0, 0], [2, 0]], [[0, 1], [2, 1]])).toBe(false);
    expect(segmentsIntersect([[0, 0], [1, 1]], [[2, 2], [3, 3]])).toBe(false);
  });
});
