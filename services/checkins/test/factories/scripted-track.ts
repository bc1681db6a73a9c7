import { BERLIN, type DevicePoint, type LatLng, offset } from './track-points';

/** One part of a scripted track: staying put (with GPS noise), or moving in a straight line. */
export type Leg = { stayS: number; gapS?: number } | { northM: number; eastM: number; speedMps: number };

export interface ScriptOptions {
  start: Date;
  from?: LatLng;
  /** Seconds between points. Default 1. */
  everySeconds?: number;
  /** Half-width of the uniform noise added to each axis, in metres. Default 0. */
  noiseM?: number;
  seed?: number;
  firstSeq?: number;
}

/** A scripted track and the positions the script visited: where each leg started. */
export interface ScriptedTrack {
  points: DevicePoint[];
  /** Position and time (epoch ms) at the start of each leg, then at the end of the last one. */
  waypoints: { at: LatLng; t: number }[];
}

function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A track following a script of stays and straight moves, a point every `everySeconds`, with
 * seeded noise: stops, trips and mileage of it are known in advance. A stay's `gapS` leaves that
 * many seconds without points in its middle (a phone that stopped reporting).
 */
export function scriptedTrack(legs: readonly Leg[], options: ScriptOptions): ScriptedTrack {
  const every = options.everySeconds ?? 1;
  const noise = options.noiseM ?? 0;
  const random = seeded(options.seed ?? 1);
  let position = options.from ?? BERLIN;
  let t = options.start.getTime();
  let seq = options.firstSeq ?? 0;
  const points: DevicePoint[] = [];
  const waypoints: ScriptedTrack['waypoints'] = [];
  const emit = (at: LatLng): void => {
    const noisy = offset(at, (random() * 2 - 1) * noise, (random() * 2 - 1) * noise);
    points.push({ seq: seq++, lat: noisy.lat, lng: noisy.lng, accuracyM: Math.max(3, noise), capturedAt: new Date(t).toISOString() });
  };
  for (const leg of legs) {
    waypoints.push({ at: position, t });
    if ('stayS' in leg) {
      const gapFrom = leg.gapS ? t + ((leg.stayS - leg.gapS) / 2) * 1000 : Infinity;
      const gapTo = gapFrom + (leg.gapS ?? 0) * 1000;
      const end = t + leg.stayS * 1000;
      for (; t < end; t += every * 1000) if (t < gapFrom || t >= gapTo) emit(position);
    } else {
      const seconds = Math.hypot(leg.northM, leg.eastM) / leg.speedMps;
      const steps = Math.round(seconds / every);
      const from = position;
      for (let step = 0; step < steps; step += 1, t += every * 1000) {
        emit(offset(from, (leg.northM * step) / steps, (leg.eastM * step) / steps));
      }
      position = offset(from, leg.northM, leg.eastM);
    }
  }
  waypoints.push({ at: position, t });
  emit(position);
  return { points, waypoints };
}
