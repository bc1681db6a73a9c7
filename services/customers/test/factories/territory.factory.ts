/** A closed square ring of `size` degrees with its south-west corner at (lng, lat). */
export function squareRing(lng: number, lat: number, size: number): [number, number][] {
  return [
    [lng, lat],
    [lng + size, lat],
    [lng + size, lat + size],
    [lng, lat + size],
    [lng, lat],
  ];
}

/** A GeoJSON polygon of one square. */
export function squarePolygon(lng: number, lat: number, size: number): { type: 'Polygon'; coordinates: [number, number][][] } {
  return { type: 'Polygon', coordinates: [squareRing(lng, lat, size)] };
}
