import { randomUUID } from 'node:crypto';
import { createEvent, uuidv7 } from '@fieldforce/contracts';
import { eventually, TestEventPublisher, type TestTokenClaims } from '@fieldforce/testing';
import { haversineM, LocalProjection, segmentDistance } from '../src/common/geo';
import { TrajectoriesController } from '../src/modules/trajectories/trajectories.controller';
import { customerState } from './factories/customers';
import { scriptedTrack } from './factories/scripted-track';
import { BERLIN, type DevicePoint, offset } from './factories/track-points';
import { type CheckinsTestApp, startCheckinsTestApp } from './support/checkins-test-app';

interface TestUser {
  id: string;
  token: string;
}

/** Distance from a point to the nearest segment of a GeoJSON line. */
function distanceToLine(point: { lat: number; lng: number }, coordinates: [number, number][]): number {
  const plane = new LocalProjection(point);
  const xy = coordinates.map(([lng, lat]) => plane.project({ lat, lng }));
  let nearest = Infinity;
  for (let index = 1; index < xy.length; index += 1) {
    nearest = Math.min(nearest, segmentDistance(plane.project(point), xy[index - 1]!, xy[index]!));
  }
  return nearest;
}

describe(`${TrajectoriesController.name} (tracks, stops, trips)`, () => {
  let service: CheckinsTestApp;
  let publisher: TestEventPublisher;
  const tenantId = randomUUID();
  const users = {} as Record<'rep' | 'otherRep' | 'supervisorNorth' | 'supervisorSouth' | 'admin' | 'outsider', TestUser>;
  // The rep's day: 10 min at the pharmacy (a task visit), 2 km east by car, 20 min at the bakery
  // (no task: an unplanned visit), then 1 km north on foot. One point a second, 3 m of noise.
  const start = new Date(Date.now() - 4 * 3_600_000);
  const pharmacy = customerState(tenantId, { name: 'Pharmacy', location: BERLIN });
  const bakery = customerState(tenantId, { name: 'Bakery', location: offset(BERLIN, 0, 2000) });
  const day = scriptedTrack(
    [{ stayS: 600 }, { northM: 0, eastM: 2000, speedMps: 10 }, { stayS: 1200 }, { northM: 1000, eastM: 0, speedMps: 1.25 }],
    { start, noiseM: 3 },
  );
  const range = `from=${new Date(start.getTime() - 60_000).toISOString()}&to=${new Date(start.getTime() + 3 * 3_600_000).toISOString()}`;
  const walkStartsAt = day.waypoints[3]!.t;

  const send = (user: TestUser, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
    service.app.inject({ method, url, headers: { authorization: `Bearer ${user.token}` }, payload });

  async function ingest(points: DevicePoint[]): Promise<void> {
    for (let first = 0; first < points.length; first += 500) {
      const response = await send(users.rep, 'POST', '/api/v1/trajectories/points', { deviceId: 'phone-1', points: points.slice(first, first + 500) });
      expect(response.statusCode).toBe(200);
      expect(response.json().rejected).toEqual([]);
    }
  }

  beforeAll(async () => {
    service = await startCheckinsTestApp();
    publisher = await TestEventPublisher.connect(service.kafka);
    const claims: Record<keyof typeof users, TestTokenClaims> = {
      rep: { roles: ['rep'], org: 'emea.north', tid: tenantId },
      otherRep: { roles: ['rep'], org: 'emea.north', tid: tenantId },
      supervisorNorth: { roles: ['supervisor'], org: 'emea.north', tid: tenantId },
      supervisorSouth: { roles: ['supervisor'], org: 'emea.south', tid: tenantId },
      admin: { roles: ['admin'], org: 'hq', tid: tenantId, amr: ['pwd', 'otp'] },
      outsider: { roles: ['admin'], org: 'hq', tid: randomUUID(), amr: ['pwd', 'otp'] },
    };
    for (const [name, claim] of Object.entries(claims)) {
      const id = randomUUID();
      users[name as keyof typeof users] = { id, token: await service.jwks.sign({ ...claim, sub: id }) };
    }
    await publisher.publish(
      ...[pharmacy, bakery].map((customer) =>
        createEvent('fieldforce.customers.customer.created.v1', { subject: customer.id, tenantId, data: { customer, changedFields: ['name'] } }),
      ),
    );
    // Everything but the walk now; the walk arrives late, after the first reads.
    await ingest(day.points.filter((point) => Date.parse(point.capturedAt) < walkStartsAt));
    const checkIn = {
      id: uuidv7(),
      customerId: pharmacy.id,
      taskId: randomUUID(),
      deviceId: 'phone-1',
      offline: true,
      point: { ...offset(BERLIN, 5, 5), accuracyM: 5, capturedAt: new Date(start.getTime() + 60_000).toISOString(), provider: 'gps', isMock: false },
    };
    expect((await send(users.rep, 'POST', '/api/v1/check-ins', checkIn)).statusCode).toBe(201);
    await eventually('both customers are known', async () => {
      const stops = (await send(users.rep, 'GET', `/api/v1/trajectories/${users.rep.id}/stops?${range}`)).json();
      return stops.items.length === 2 && stops.items.every((stop: { customer: unknown }) => stop.customer !== null);
    });
  });

  afterAll(async () => {
    await publisher?.disconnect();
    await service?.close();
  });

  it('labels the stops with their customers, the one without a task visit as unplanned', async () => {
    const response = await send(users.rep, 'GET', `/api/v1/trajectories/${users.rep.id}/stops?${range}`);

    expect(response.statusCode).toBe(200);
    const [atPharmacy, atBakery] = response.json().items;
    expect(atPharmacy).toMatchObject({ customer: { id: pharmacy.id, name: 'Pharmacy' }, unplannedVisit: false });
    expect(atBakery).toMatchObject({ customer: { id: bakery.id, name: 'Bakery' }, unplannedVisit: true });
    expect(atPharmacy.durationS).toBeGreaterThanOrEqual(600);
    expect(atBakery.durationS).toBeGreaterThanOrEqual(1190);
    expect(haversineM(atBakery.centre, bakery.location!)).toBeLessThan(5);
  });

  it('recomputes trips and mileage when late points of the same day arrive', async () => {
    const before = (await send(users.rep, 'GET', `/api/v1/trajectories/${users.rep.id}/trips?${range}`)).json();
    await ingest(day.points.filter((point) => Date.parse(point.capturedAt) >= walkStartsAt).reverse());

    const after = (await send(users.rep, 'GET', `/api/v1/trajectories/${users.rep.id}/trips?${range}`)).json();
    const track = (await send(users.rep, 'GET', `/api/v1/trajectories/${users.rep.id}?${range}`)).json();

    expect(before.items).toHaveLength(1);
    expect(after.items).toHaveLength(2);
    const [drive, walk] = after.items;
    expect(Math.abs(drive.distanceM - 2000)).toBeLessThan(20);
    expect(Math.abs(walk.distanceM - 1000)).toBeLessThan(10);
    expect(Date.parse(walk.startedAt)).toBeGreaterThanOrEqual(walkStartsAt);
    expect(track.properties.pointCount).toBe(day.points.length);
    expect(Math.abs(track.properties.mileageM - 3000)).toBeLessThan(30);
  });

  it.each([5, 25])('simplifies the track so that every point lies within %i m of the returned line', async (simplifyM) => {
    const response = await send(users.rep, 'GET', `/api/v1/trajectories/${users.rep.id}?${range}&simplifyM=${simplifyM}`);

    expect(response.statusCode).toBe(200);
    const feature = response.json();
    expect(feature).toMatchObject({ type: 'Feature', geometry: { type: 'LineString' }, properties: { userId: users.rep.id, simplifyM } });
    const { coordinates } = feature.geometry;
    expect(coordinates.length).toBeLessThan(day.points.length / 20);
    expect(feature.properties.times).toHaveLength(coordinates.length);
    const worst = Math.max(...day.points.map((point) => distanceToLine(point, coordinates)));
    expect(worst).toBeLessThanOrEqual(simplifyM * 1.01 + 0.02);
  });

  it("shows a user's track to the user, their supervisor and the tenant's admin, and to nobody else", async () => {
    const status = async (reader: TestUser): Promise<number> =>
      (await send(reader, 'GET', `/api/v1/trajectories/${users.rep.id}?${range}&simplifyM=50`)).statusCode;

    expect(await status(users.rep)).toBe(200);
    expect(await status(users.supervisorNorth)).toBe(200);
    expect(await status(users.admin)).toBe(200);
    expect(await status(users.otherRep)).toBe(404);
    expect(await status(users.supervisorSouth)).toBe(404);
    for (const path of ['stops', 'trips']) {
      const response = await send(users.supervisorSouth, 'GET', `/api/v1/trajectories/${users.rep.id}/${path}?${range}`);
      expect(response.json()).toMatchObject({ status: 404, code: 'TRACK_USER_NOT_FOUND' });
    }
    const outsider = (await send(users.outsider, 'GET', `/api/v1/trajectories/${users.rep.id}?${range}`)).json();
    expect(outsider).toMatchObject({ geometry: null, properties: { pointCount: 0, mileageM: 0 } });
  });

  it('refuses ranges over 48 hours, oversized batches, and ingest by roles that do not track', async () => {
    const long = await send(users.rep, 'GET', `/api/v1/trajectories/${users.rep.id}?from=2025-01-01T00:00:00Z&to=2025-01-03T00:00:01Z`);
    const oversized = await send(users.rep, 'POST', '/api/v1/trajectories/points', {
      deviceId: 'phone-1',
      points: day.points.slice(0, 1001),
    });
    const supervisor = await send(users.supervisorNorth, 'POST', '/api/v1/trajectories/points', { deviceId: 'phone', points: day.points.slice(0, 1) });

    expect(long.statusCode).toBe(400);
    expect(oversized.statusCode).toBe(400);
    expect(oversized.json().errors).toEqual([expect.objectContaining({ field: 'points' })]);
    expect(supervisor.statusCode).toBe(403);
  });

  it("lets an admin set the tenant's retention of track points", async () => {
    const set = await send(users.admin, 'PUT', '/api/v1/trajectories/settings', { retentionDays: 30 });
    const read = await send(users.admin, 'GET', '/api/v1/trajectories/settings');
    const byRep = await send(users.rep, 'PUT', '/api/v1/trajectories/settings', { retentionDays: 3650 });

    const off = { enabled: false, workingHours: null, duringVisits: false };
    expect(set.json()).toEqual({ retentionDays: 30, privacy: off });
    expect(read.json()).toEqual({ retentionDays: 30, privacy: off });
    expect(byRep.statusCode).toBe(403);
  });
});
