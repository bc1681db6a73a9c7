import { douglasPeucker, haversineM, LocalProjection, type PlanePoint, segmentDistance } from './geo';

/** A small seeded generator (mulberry32), so every run checks the same tracks. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A wandering drive: `count` one-second steps of up to 15 m with a heading that drifts. */
function wanderingTrack(count: number, seed: number): { lat: number; lng: number }[] {
  const random = seeded(seed);
  const plane = new LocalProjection({ lat: 52.52, lng: 13.405 });
  let x = 0;
  let y = 0;
  let heading = random() * 2 * Math.PI;
  return Array.from({ length: count }, () => {
    heading += (random() - 0.5) * 0.6;
    const step = random() * 15;
    x += Math.cos(heading) * step;
    y += Math.sin(heading) * step;
    return plane.unproject({ x: x + (random() - 0.5) * 8, y: y + (random() - 0.5) * 8 });
  });
}

/** For every point, its distance to the simplified segment spanning it, measured by `distance`. */
function deviations(count: number, kept: number[], distance: (index: number, first: number, last: number) => number): number[] {
  const result: number[] = [];
  for (let k = 0; k + 1 < kept.length; k += 1) {
    for (let index = kept[k]!; index <= kept[k + 1]!; index += 1) result.push(distance(index, kept[k]!, kept[k + 1]!));
  }
  expect(result.length).toBe(count + kept.length - 2);
  return result;
}

describe(haversineM.name, () => {
  it('measures a degree of latitude and the distance from Berlin to Paris', () => {
    expect(haversineM({ lat: 0, lng: 0 }, { lat: 1, lng: 0 })).toBeCloseTo(111_195, 0);
    expect(haversineM({ lat: 52.52, lng: 13.405 }, { lat: 48.8566, lng: 2.3522 }) / 1000).toBeCloseTo(877.5, 0);
  });

  it('is zero between a point and itself', () => {
    expect(haversineM({ lat: 52.52, lng: 13.405 }, { lat: 52.52, lng: 13.405 })).toBe(0);
  });
});

describe(LocalProjection.name, () => {
  it('agrees with great-circle distances within 0.1% across a city', () => {
    const a = { lat: 52.45, lng: 13.3 };
    const b = { lat: 52.58, lng: 13.52 };
    const plane = LocalProjection.around([a, b]);
    const planar = Math.hypot(plane.project(a).x - plane.project(b).x, plane.project(a).y - plane.project(b).y);
    expect(Math.abs(planar - haversineM(a, b)) / haversineM(a, b)).toBeLessThan(0.001);
  });

  it('unprojects what it projected', () => {
    const plane = new LocalProjection({ lat: 40, lng: -3.7 });
    const point = { lat: 40.1234567, lng: -3.6543219 };
    const back = plane.unproject(plane.project(point));
    expect(back.lat).toBeCloseTo(point.lat, 10);
    expect(back.lng).toBeCloseTo(point.lng, 10);
  });
});

describe(douglasPeucker.name, () => {
  it('keeps only the ends of a straight line', () => {
    const line: PlanePoint[] = Array.from({ length: 100 }, (_, i) => ({ x: i * 3, y: i * 4 }));
    expect(douglasPeucker(line, 0.5)).toEqual([0, 99]);
  });

  it('keeps every point at tolerance zero, and the corner of an L at any tolerance below its size', () => {
    const l: PlanePoint[] = [{ x: 0, y: 0 }, { x: 50, y: 0 }, { x: 100, y: 0 }, { x: 100, y: 50 }, { x: 100, y: 100 }];
    expect(douglasPeucker(l, 0)).toEqual([0, 1, 2, 3, 4]);
    expect(douglasPeucker(l, 60)).toEqual([0, 2, 4]);
    expect(douglasPeucker(l, 80)).toEqual([0, 4]);
  });

  it.each([1, 5, 20, 100])('leaves every point of a wandering 6,000-point drive within %i m of the simplified line', (toleranceM) => {
    const track = wanderingTrack(6000, toleranceM);
    const plane = LocalProjection.around(track);
    const xy = track.map((point) => plane.project(point));

    const kept = douglasPeucker(xy, toleranceM);

    expect(kept[0]).toBe(0);
    expect(kept.at(-1)).toBe(track.length - 1);
    expect(kept.length).toBeLessThan(track.length);
    const onPlane = deviations(track.length, kept, (i, first, last) => segmentDistance(xy[i]!, xy[first]!, xy[last]!));
    expect(Math.max(...onPlane)).toBeLessThanOrEqual(toleranceM);
    // Measured again on a plane centred on each point itself: the bound holds within 1%.
    const local = deviations(track.length, kept, (i, first, last) => {
      const around = new LocalProjection(track[i]!);
      return segmentDistance(around.project(track[i]!), around.project(track[first]!), around.project(track[last]!));
    });
    expect(Math.max(...local)).toBeLessThanOrEqual(toleranceM * 1.01);
  });
});
