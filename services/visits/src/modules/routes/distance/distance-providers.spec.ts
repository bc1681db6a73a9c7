import { FakeOsrm, osrmTableAnswer } from '../../../../test/support/fake-osrm';
import { DistanceProviderError, UNREACHABLE } from './distance-provider';
import { HaversineDistanceProvider, haversineMetres } from './haversine.distance-provider';
import { OsrmDistanceProvider } from './osrm.distance-provider';

const berlin = { lat: 52.52, lng: 13.405 };
const potsdam = { lat: 52.3906, lng: 13.0645 };
const hamburg = { lat: 53.5511, lng: 9.9937 };

describe(HaversineDistanceProvider.name, () => {
  it('measures great circles (Berlin–Hamburg is about 255 km) and scales them by the detour factor at the set speed', async () => {
    expect(haversineMetres(berlin, hamburg) / 1000).toBeCloseTo(255.3, 0);

    const { distance, duration } = await new HaversineDistanceProvider({ detourFactor: 1.3, speedKmh: 36 }).matrix([berlin, potsdam, hamburg]);

    expect(distance[0]![0]).toBe(0);
    expect(distance[0]![2]).toBeCloseTo(haversineMetres(berlin, hamburg) * 1.3, 6);
    expect(distance[1]![2]).toBeCloseTo(distance[2]![1]!, 6);
    expect(duration[0]![2]).toBeCloseTo(distance[0]![2]! / 10, 6);
  });
});

describe(OsrmDistanceProvider.name, () => {
  let osrm: FakeOsrm;
  beforeAll(async () => {
    osrm = await FakeOsrm.start();
  });
  afterAll(async () => {
    await osrm.stop();
  });

  it('asks the table service for distances and durations, longitude first, and returns its matrices', async () => {
    osrm.respond = (url) => ({ status: 200, body: osrmTableAnswer(url) });
    const provider = new OsrmDistanceProvider({ url: `${osrm.url}/`, profile: 'driving', timeoutMs: 2_000 });

    const { distance, duration } = await provider.matrix([berlin, potsdam, hamburg]);

    expect(osrm.requests.at(-1)).toBe('/table/v1/driving/13.405000,52.520000;13.064500,52.390600;9.993700,53.551100?annotations=distance,duration');
    expect(distance[0]![2]).toBe(Math.round(haversineMetres(berlin, hamburg) * 1.2));
    expect(duration[0]![2]).toBe(Math.round(distance[0]![2]! / 12));
    expect(distance.map((row) => row.length)).toEqual([3, 3, 3]);
  });

  it('counts a pair without a route as unreachable', async () => {
    osrm.respond = (url) => ({ status: 200, body: osrmTableAnswer(url, [0, 1]) });

    const { distance, duration } = await new OsrmDistanceProvider({ url: osrm.url, profile: 'car', timeoutMs: 2_000 }).matrix([berlin, potsdam]);

    expect([distance[0]![1], duration[0]![1]]).toEqual([UNREACHABLE, UNREACHABLE]);
    expect(distance[1]![0]).toBeGreaterThan(0);
  });

  it.each([
    ['an error code', { status: 400, body: JSON.stringify({ code: 'InvalidQuery', message: 'Query string malformed' }) }, /400 InvalidQuery: Query string malformed/],
    ['a body that is not JSON', { status: 502, body: '<html>bad gateway</html>' }, /not JSON/],
    ['a matrix of the wrong size', { status: 200, body: JSON.stringify({ code: 'Ok', durations: [[0]], distances: [[0]] }) }, /2×2 durations/],
    ['negative durations', { status: 200, body: JSON.stringify({ code: 'Ok', durations: [[0, -1], [1, 0]], distances: [[0, 1], [1, 0]] }) }, /durations/],
    ['no answer in time', { status: 200, body: '{}', delayMs: 500 }, /no answer within 100 ms/],
  ])('fails with a DistanceProviderError on %s', async (_, answer, message) => {
    osrm.respond = () => answer;

    const failure = new OsrmDistanceProvider({ url: osrm.url, profile: 'driving', timeoutMs: 100 }).matrix([berlin, potsdam]);

    await expect(failure).rejects.toThrow(DistanceProviderError);
    await expect(new OsrmDistanceProvider({ url: osrm.url, profile: 'driving', timeoutMs: 100 }).matrix([berlin, potsdam])).rejects.toThrow(message);
  });

  it('fails with a DistanceProviderError when nothing listens', async () => {
    await expect(new OsrmDistanceProvider({ url: 'http://127.0.0.1:1', profile: 'driving', timeoutMs: 1_000 }).matrix([berlin, potsdam])).rejects.toThrow(/OSRM unreachable/);
  });
});
