import { type TravelMatrix } from '../route-planner';

/** A point on the map (WGS 84 degrees). */
export interface LatLng {
  lat: number;
  lng: number;
}

/** Measures travel between points: distances (metres) and durations (seconds) from every point to every other. */
export interface DistanceProvider {
  /** Named in route answers, so a client sees how the legs were measured. */
  readonly name: string;
  matrix(points: readonly LatLng[]): Promise<TravelMatrix>;
}

/** The injection token of the configured provider. */
export const DISTANCE_PROVIDER = Symbol('DISTANCE_PROVIDER');

/** A provider could not answer (unreachable, timed out, or answered something unusable). */
export class DistanceProviderError extends Error {
  override readonly name = 'DistanceProviderError';
}

/**
 * Travel between two points that no road connects, as a provider reports it: finite so route
 * arithmetic stays exact, and far beyond any working day, so no route uses it.
 */
export const UNREACHABLE = 1e9;
