import { scriptedTrack } from '../../../../test/factories/scripted-track';
import { type DevicePoint, offset } from '../../../../test/factories/track-points';
import { haversineM } from '../../../common/geo';
import { cleanTrack, detectStops, detectTrips, mileageM, type TrackSample } from './track-analysis';

const START = new Date('2025-05-06T07:00:00Z');

const samples = (points: readonly DevicePoint[]): TrackSample[] =>
  points.map((point) => ({ t: Date.parse(point.capturedAt), lat: point.lat, lng: point.lng, accuracyM: point.accuracyM, isMock: point.isMock ?? false }));

// 10 min at A, 2 km east by car, 20 min at B, 500 m north on foot, 3 min at C (too short
// for a stop), 500 m further north.
const DAY = scriptedTrack(
  [
    { stayS: 600 },
    { northM: 0, eastM: 2000, speedMps: 10 },
    { stayS: 1200 },
    { northM: 500, eastM: 0, speedMps: 1.25 },
    { stayS: 180 },
    { northM: 500, eastM: 0, speedMps: 1.25 },
  ],
  { start: START, noiseM: 3 },
);
const [A, , B] = DAY.waypoints;

describe(cleanTrack.name, () => {
  it('drops mock locations, poorly accurate points and speed spikes, and keeps the rest', () => {
    const track = samples(DAY.points);
    const middle = track[700]!;
    const spike = { ...middle, ...offset(middle, 3000, 0), t: middle.t + 1 };
    const mock = { ...middle, t: middle.t + 2, isMock: true };
    const vague = { ...middle, t: middle.t + 3, accuracyM: 400 };
    const noisy = [...track.slice(0, 701), spike, mock, vague, ...track.slice(701)];

    const cleaned = cleanTrack(noisy);

    expect(cleaned).toEqual(track);
  });

  it('keeps a fast but steady drive', () => {
    const drive = samples(scriptedTrack([{ northM: 0, eastM: 10_000, speedMps: 35 }], { start: START }).points);
    expect(cleanTrack(drive)).toHaveLength(drive.length);
  });
});

describe(mileageM.name, () => {
  it('measures the 3 km moved within 1%, not the jitter of 33 minutes at rest', () => {
    expect(Math.abs(mileageM(cleanTrack(samples(DAY.points))) - 3000)).toBeLessThan(30);
  });
});

describe(detectStops.name, () => {
  it('finds the two long stays at their places and durations, and not the short one', () => {
    const stops = detectStops(cleanTrack(samples(DAY.points)));

    expect(stops).toHaveLength(2);
    const [atA, atB] = stops;
    expect(haversineM(atA!.centre, A!.at)).toBeLessThan(5);
    expect(haversineM(atB!.centre, B!.at)).toBeLessThan(5);
    // A stop lasts while the points stay within 50 m: it ends up to 50 m / speed after the stay.
    expect(atA!.durationS).toBeGreaterThanOrEqual(600);
    expect(atA!.durationS).toBeLessThanOrEqual(600 + 50 / 10);
    expect(atB!.durationS).toBeGreaterThanOrEqual(1200);
    expect(atB!.durationS).toBeLessThanOrEqual(1200 + 50 / 10 + 50 / 1.25);
    expect(B!.t - atB!.arrivedAt).toBeLessThanOrEqual(5_000);
  });

  it('counts a stretch without points inside a stay as dwell', () => {
    const track = scriptedTrack([{ stayS: 900, gapS: 800 }, { northM: 0, eastM: 1000, speedMps: 10 }], { start: START, noiseM: 3 });

    const [stop] = detectStops(cleanTrack(samples(track.points)));

    expect(stop?.durationS).toBeGreaterThanOrEqual(890);
  });

  it('finds no stop on a track that keeps moving', () => {
    const drive = samples(scriptedTrack([{ northM: 3000, eastM: 3000, speedMps: 8 }], { start: START, noiseM: 3 }).points);
    expect(detectStops(cleanTrack(drive))).toEqual([]);
  });
});

describe(detectTrips.name, () => {
  it('finds the drive from A to B and the walk from B to the end, with their lengths', () => {
    const cleaned = cleanTrack(samples(DAY.points));
    const trips = detectTrips(cleaned, detectStops(cleaned));

    expect(trips).toHaveLength(2);
    const [drive, walk] = trips;
    expect(Math.abs(drive!.distanceM - 2000)).toBeLessThan(20);
    expect(drive!.durationS).toBeGreaterThanOrEqual(200 - 2 * 5);
    expect(drive!.durationS).toBeLessThanOrEqual(200);
    expect(Math.abs(walk!.distanceM - 1000)).toBeLessThan(10);
    expect(haversineM(walk!.to, DAY.waypoints.at(-1)!.at)).toBeLessThan(10);
  });

  it('makes the whole track one trip when it has no stop', () => {
    const cleaned = cleanTrack(samples(scriptedTrack([{ northM: 0, eastM: 1500, speedMps: 5 }], { start: START }).points));
    const trips = detectTrips(cleaned, []);
    expect(trips).toHaveLength(1);
    expect(trips[0]!.distanceM).toBeCloseTo(1500, -1);
  });
});
