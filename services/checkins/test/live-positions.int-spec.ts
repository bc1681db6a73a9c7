import { randomUUID } from 'node:crypto';
import { createEvent, type OrgUnitState } from '@fieldforce/contracts';
import { eventually, TestEventPublisher, type TestTokenClaims } from '@fieldforce/testing';
import { LivePositionsController } from '../src/modules/live-positions/live-positions.controller';
import { BERLIN, type LatLng, offset } from './factories/track-points';
import { type CheckinsTestApp, startCheckinsTestApp } from './support/checkins-test-app';

interface TestUser {
  id: string;
  token: string;
}

describe(LivePositionsController.name, () => {
  let service: CheckinsTestApp;
  let publisher: TestEventPublisher;
  const tenantId = randomUUID();
  const units: Record<'north' | 'south', OrgUnitState> = {
    north: orgUnit('emea.north'),
    south: orgUnit('emea.south'),
  };
  const users = {} as Record<'repNear' | 'repFar' | 'repSouth' | 'repStale' | 'supervisorNorth' | 'supervisorSouth' | 'admin', TestUser>;
  // Where each rep was last seen: metres east of Berlin Mitte.
  const placedAt = { repNear: 300, repFar: 4_000, repSouth: 1_000, repStale: 50 };

  function orgUnit(path: string): OrgUnitState {
    const now = new Date().toISOString();
    return { id: randomUUID(), tenantId, name: path, parentId: null, path, version: 1, createdAt: now, updatedAt: now };
  }

  const get = (user: TestUser, query: string) =>
    service.app.inject({ method: 'GET', url: `/api/v1/live-positions?${query}`, headers: { authorization: `Bearer ${user.token}` } });

  async function userIds(user: TestUser, query: string): Promise<string[]> {
    const response = await get(user, query);
    expect(response.statusCode).toBe(200);
    return response.json().items.map((item: { userId: string }) => item.userId);
  }

  async function report(user: TestUser, at: LatLng, capturedAt: Date, seq: number): Promise<void> {
    const response = await service.app.inject({
      method: 'POST',
      url: '/api/v1/trajectories/points',
      headers: { authorization: `Bearer ${user.token}` },
      payload: { deviceId: 'phone-1', points: [{ seq, lat: at.lat, lng: at.lng, accuracyM: 5, capturedAt: capturedAt.toISOString() }] },
    });
    expect(response.json()).toMatchObject({ accepted: 1 });
  }

  beforeAll(async () => {
    service = await startCheckinsTestApp({ LIVE_POSITION_MAX_AGE_SECONDS: '3600' });
    publisher = await TestEventPublisher.connect(service.kafka);
    const claims: Record<keyof typeof users, TestTokenClaims> = {
      repNear: { roles: ['rep'], org: 'emea.north' },
      repFar: { roles: ['rep'], org: 'emea.north' },
      repSouth: { roles: ['rep'], org: 'emea.south' },
      repStale: { roles: ['rep'], org: 'emea.north' },
      supervisorNorth: { roles: ['supervisor'], org: 'emea.north' },
      supervisorSouth: { roles: ['supervisor'], org: 'emea.south' },
      admin: { roles: ['admin'], org: 'hq' },
    };
    for (const [name, claim] of Object.entries(claims)) {
      const id = randomUUID();
      users[name as keyof typeof users] = { id, token: await service.jwks.sign({ ...claim, sub: id, tid: tenantId }) };
    }
    await publisher.publish(
      ...Object.values(units).map((unit) =>
        createEvent('fieldforce.permissions.org-unit.created.v1', { subject: unit.id, tenantId, data: { orgUnit: unit, changedFields: ['path'] } }),
      ),
    );
    const now = Date.now();
    await report(users.repNear, offset(BERLIN, 0, placedAt.repNear), new Date(now - 60_000), 1);
    await report(users.repFar, offset(BERLIN, 0, placedAt.repFar), new Date(now - 60_000), 1);
    await report(users.repSouth, offset(BERLIN, 0, placedAt.repSouth), new Date(now - 60_000), 1);
    await report(users.repStale, offset(BERLIN, 0, placedAt.repStale), new Date(now - 2 * 3_600_000), 1);
    await eventually('the org units are known', async () => (await get(users.admin, `orgUnitId=${units.south.id}`)).statusCode === 200);
  });

  afterAll(async () => {
    await publisher?.disconnect();
    await service?.close();
  });

  it('finds the reps near a place, nearest first with their distance, leaving out stale positions', async () => {
    const response = await get(users.admin, `near=${BERLIN.lat},${BERLIN.lng}&radiusM=2000`);

    expect(response.statusCode).toBe(200);
    const items = response.json().items;
    expect(items.map((item: { userId: string }) => item.userId)).toEqual([users.repNear.id, users.repSouth.id]);
    expect(items[0].distanceM).toBeCloseTo(placedAt.repNear, -1);
    expect(items[0]).toMatchObject({ accuracyM: 5, deviceId: 'phone-1' });
  });

  it("shows each reader only the positions in their scope", async () => {
    const near = `near=${BERLIN.lat},${BERLIN.lng}&radiusM=10000`;

    expect(await userIds(users.supervisorNorth, near)).toEqual([users.repNear.id, users.repFar.id]);
    expect(await userIds(users.supervisorSouth, near)).toEqual([users.repSouth.id]);
    expect(await userIds(users.repFar, near)).toEqual([users.repFar.id]);
    expect(await userIds(users.repFar, '')).toEqual([users.repFar.id]);
  });

  it("lists an org unit's users for a supervisor over it, and hides other units", async () => {
    expect((await userIds(users.supervisorNorth, `orgUnitId=${units.north.id}`)).sort()).toEqual([users.repNear.id, users.repFar.id].sort());
    expect(await userIds(users.admin, `orgUnitId=${units.south.id}`)).toEqual([users.repSouth.id]);
    expect((await userIds(users.supervisorNorth, '')).sort()).toEqual([users.repNear.id, users.repFar.id].sort());

    const otherUnit = await get(users.supervisorNorth, `orgUnitId=${units.south.id}`);
    const unknownUnit = await get(users.admin, `orgUnitId=${randomUUID()}`);
    expect(otherUnit.statusCode).toBe(404);
    expect(otherUnit.json().code).toBe(unknownUnit.json().code);
  });

  it('keeps the newest position when an older batch arrives late', async () => {
    const now = Date.now();
    await report(users.repFar, offset(BERLIN, 0, 4_100), new Date(now - 30_000), 2);
    await report(users.repFar, offset(BERLIN, 0, 9_000), new Date(now - 45_000), 3);

    const [position] = (await get(users.repFar, '')).json().items;

    expect(position.capturedAt).toBe(new Date(now - 30_000).toISOString());
  });

  it('refuses a malformed place', async () => {
    expect((await get(users.admin, 'near=berlin')).statusCode).toBe(400);
  });
});
