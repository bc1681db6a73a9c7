import { type TravelMatrix } from '../route-planner';
import { type DistanceProvider, type LatLng } from './distance-provider';

const EARTH_RADIUS_M = 6_371_008.8;
const radians = (degrees: number): number => (degrees * Math.PI) / 180;

/** Great-circle distance in metres between two points. */
export function haversineMetres(a: LatLng, b: LatLng): number {
  const dLat = radians(b.lat - a.lat);
  const dLng = radians(b.lng - a.lng);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(radians(a.lat)) * Math.cos(radians(b.lat)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

export interface HaversineOptions {
  /** Road distance per straight-line distance (streets are rarely straight): 1.3 is typical in towns. */
  detourFactor: number;
  speedKmh: number;
}

/** Straight-line distance times a detour factor, travelled at a constant speed: needs nothing but the coordinates. */
export class HaversineDistanceProvider implements DistanceProvider {
  readonly name = 'haversine';

  constructor(private readonly options: HaversineOptions) {}

  async matrix(points: readonly LatLng[]): Promise<TravelMatrix> {
    const metresPerSecond = (this.options.speedKmh * 1000) / 3600;
    const distance = points.map((from) => points.map((to) => haversineMetres(from, to) * this.options.detourFactor));
    const duration = distance.map((row) => row.map((metres) => metres / metresPerSecond));
    return { distance, duration };
  }
}
