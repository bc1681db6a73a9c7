import { randomUUID } from 'node:crypto';

/** A track point as a device sends it. */
export interface DevicePoint {
  id?: string;
  seq?: number;
  lat: number;
  lng: number;
  accuracyM: number;
  speedMps?: number;
  headingDeg?: number;
  capturedAt: string;
  isMock?: boolean;
}

export interface LatLng {
  lat: number;
  lng: number;
}

const EARTH_RADIUS_M = 6_371_008.8;
const DEG = Math.PI / 180;

/** The point `northM` metres north and `eastM` metres east of `origin` (small offsets). */
export function offset(origin: LatLng, northM: number, eastM: number): LatLng {
  return {
    lat: origin.lat + northM / EARTH_RADIUS_M / DEG,
    lng: origin.lng + eastM / (EARTH_RADIUS_M * Math.cos(origin.lat * DEG)) / DEG,
  };
}

/** Berlin Mitte: where generated tracks start unless told otherwise. */
export const BERLIN: LatLng = { lat: 52.52, lng: 13.405 };

export interface WalkOptions {
  start: Date;
  from?: LatLng;
  /** Seconds between points. Default 1. */
  everySeconds?: number;
  /** Metres east per point. Default 1. */
  stepM?: number;
  /** First seq; points carry seq keys unless `ids` is set. Default 0. */
  firstSeq?: number;
  /** Give each point a random UUID id instead of a seq. */
  ids?: boolean;
  accuracyM?: number;
}

/** `count` points walking east at a steady pace, one every `everySeconds`. */
export function walk(count: number, options: WalkOptions): DevicePoint[] {
  const from = options.from ?? BERLIN;
  const everySeconds = options.everySeconds ?? 1;
  const stepM = options.stepM ?? 1;
  const firstSeq = options.firstSeq ?? 0;
  return Array.from({ length: count }, (_, i) => {
    const at = offset(from, 0, i * stepM);
    return {
      ...(options.ids ? { id: randomUUID() } : { seq: firstSeq + i }),
      lat: at.lat,
      lng: at.lng,
      accuracyM: options.accuracyM ?? 5,
      speedMps: stepM / everySeconds,
      capturedAt: new Date(options.start.getTime() + i * everySeconds * 1000).toISOString(),
    };
  });
}

/** Midnight UTC `days` days before `now`, plus `hours`. */
export function daysAgo(days: number, now = new Date(), hours = 10): Date {
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return new Date(midnight - days * 86_400_000 + hours * 3_600_000);
}
