import { randomUUID } from 'node:crypto';
import { checkInBody, checkOutBody } from './factories/check-ins';
import { customerState } from './factories/customers';
import { BERLIN } from './factories/track-points';
import { announceCustomers, type CheckinsTestApp, startCheckinsTestApp } from './support/checkins-test-app';

/**
 * A write that holds its transaction's connection and asks the pool for a second one waits for
 * itself when the pool has one connection, as every busy write does when all of a loaded pool's
 * connections are held so: the pool deadlocks and requests answer 503 after the connect timeout
 * (2,000 simulated reps did that to check-ins). With a pool of one, each path either reads through
 * its own transaction or fails here.
 */
describe('checkins with a database pool of one connection', () => {
  let service: CheckinsTestApp;
  const tenantId = randomUUID();
  const shop = customerState(tenantId, { name: 'Corner Pharmacy', location: BERLIN });
  const repId = randomUUID();
  let authorization: string;

  const send = (method: 'GET' | 'POST', url: string, payload?: object) =>
    service.app.inject({ method, url, headers: { authorization }, ...(payload ? { payload } : {}) });

  beforeAll(async () => {
    service = await startCheckinsTestApp({ DATABASE_POOL_SIZE: '1' });
    authorization = `Bearer ${await service.jwks.sign({ roles: ['rep'], org: 'emea.north', sub: repId, tid: tenantId })}`;
    await announceCustomers(service, [shop]);
  });

  afterAll(async () => {
    await service?.close();
  });

  it('uploads a track, checks in after it and checks out', async () => {
    const point = { seq: 1, lat: BERLIN.lat, lng: BERLIN.lng, accuracyM: 5, capturedAt: new Date(Date.now() - 60_000).toISOString() };
    const track = await send('POST', '/api/v1/trajectories/points', { deviceId: 'phone-1', points: [point] });
    expect(track.json()).toMatchObject({ accepted: 1 });

    const checkIn = await send('POST', '/api/v1/check-ins', checkInBody(shop.id));
    expect(checkIn.statusCode).toBe(201);
    expect(checkIn.json()).toMatchObject({ status: 'verified', customerId: shop.id });

    const checkOut = await send('POST', `/api/v1/check-ins/${checkIn.json<{ id: string }>().id}/check-out`, checkOutBody());
    expect(checkOut.statusCode).toBe(200);
    expect((await send('GET', '/api/v1/check-ins')).json<{ items: unknown[] }>().items).toHaveLength(1);
  });
});
