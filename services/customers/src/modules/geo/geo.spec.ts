import { boundingBox, distanceMeters, EARTH_RADIUS_M, locationIssues } from './geo';

describe(distanceMeters.name, () => {
  it('measures great-circle distances on the sphere PostGIS uses', () => {
    expect(distanceMeters({ lat: 0, lng: 0 }, { lat: 0, lng: 1 })).toBeCloseTo((EARTH_RADIUS_M * Math.PI) / 180, 6);
    // Berlin to Munich: about 504 km.
    expect(distanceMeters({ lat: 52.52, lng: 13.405 }, { lat: 48.1374, lng: 11.5755 }) / 1000).toBeCloseTo(504, 0);
    expect(distanceMeters({ lat: 10, lng: 179.9 }, { lat: 10, lng: -179.9 })).toBeLessThan(25_000);
  });
});

describe(boundingBox.name, () => {
  const inBox = (box: ReturnType<typeof boundingBox>, point: { lat: number; lng: number }) =>
    point.lat >= box.minLat && point.lat <= box.maxLat && box.lngRanges.some(([west, east]) => point.lng >= west && point.lng <= east);

  it('holds every point of the circle, sampled around it', () => {
    for (const center of [{ lat: 52.5, lng: 13.4 }, { lat: -60, lng: 100 }, { lat: 0, lng: 0 }]) {
      const box = boundingBox(center, 50_000);
      for (let bearing = 0; bearing < 360; bearing += 5) {
        const angular = 49_999 / EARTH_RADIUS_M;
        const [lat1, lng1, theta] = [(center.lat * Math.PI) / 180, (center.lng * Math.PI) / 180, (bearing * Math.PI) / 180];
        const lat2 = Math.asin(Math.sin(lat1) * Math.cos(angular) + Math.cos(lat1) * Math.sin(angular) * Math.cos(theta));
        const lng2 = lng1 + Math.atan2(Math.sin(theta) * Math.sin(angular) * Math.cos(lat1), Math.cos(angular) - Math.sin(lat1) * Math.sin(lat2));
        expect(inBox(box, { lat: (lat2 * 180) / Math.PI, lng: (lng2 * 180) / Math.PI })).toBe(true);
      }
    }
  });

  it('splits at the antimeridian and spans every longitude at a pole', () => {
    expect(boundingBox({ lat: 0, lng: 179.99 }, 10_000).lngRanges).toHaveLength(2);
    expect(boundingBox({ lat: 89.99, lng: 0 }, 5_000).lngRanges).toEqual([[-180, 180]]);
  });
});

describe(locationIssues.name, () => {
  it('names each coordinate that is not finite or out of range', () => {
    expect(locationIssues({ lat: 91, lng: Number.NaN })).toEqual([
      { field: 'location.lat', message: 'must be between -90 and 90' },
      { field: 'location.lng', message: 'must be a finite number' },
    ]);
    expect(locationIssues({ lat: -90, lng: 180 })).toEqual([]);
  });
});
