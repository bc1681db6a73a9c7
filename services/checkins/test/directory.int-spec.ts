import { randomUUID } from 'node:crypto';
import { createEvent, type UserState } from '@fieldforce/contracts';
import { eventually, TestEventPublisher } from '@fieldforce/testing';
import { DataSource } from 'typeorm';
import { DirectoryService } from '../src/modules/directory/directory.service';
import { type CheckinsTestApp, startCheckinsTestApp } from './support/checkins-test-app';

describe(`${DirectoryService.name} (users read model)`, () => {
  let service: CheckinsTestApp;
  let publisher: TestEventPublisher;
  const tenantId = randomUUID();
  const rep: UserState = {
    id: randomUUID(),
    tenantId,
    username: 'rep.north',
    displayName: 'Rep North',
    orgUnitId: randomUUID(),
    orgPath: 'emea.north',
    roles: ['rep'],
    active: true,
    totpEnabled: false,
    version: 1,
    createdAt: new Date().toISOString(),
    updatedAt: new Date().toISOString(),
  };
  const readers = {} as Record<'north' | 'south', string>;
  const range = `from=${new Date(Date.now() - 3_600_000).toISOString()}&to=${new Date().toISOString()}`;

  const trackStatus = async (token: string): Promise<number> =>
    (await service.app.inject({ method: 'GET', url: `/api/v1/trajectories/${rep.id}?${range}`, headers: { authorization: `Bearer ${token}` } }))
      .statusCode;

  /** Publishes a user event; answers its id. */
  async function publishUser(type: 'created' | 'moved' | 'deactivated', user: UserState): Promise<string> {
    const event = createEvent(`fieldforce.permissions.user.${type}.v1`, { subject: user.id, tenantId, data: { user, changedFields: ['orgPath'] } });
    await publisher.publish(event);
    return event.id;
  }

  const processed = async (eventId: string): Promise<boolean> =>
    (await service.app.get(DataSource).query(`SELECT 1 FROM checkins.inbox WHERE event_id = $1`, [eventId])).length === 1;

  beforeAll(async () => {
    service = await startCheckinsTestApp();
    publisher = await TestEventPublisher.connect(service.kafka);
    readers.north = await service.jwks.sign({ tid: tenantId, roles: ['supervisor'], org: 'emea.north' });
    readers.south = await service.jwks.sign({ tid: tenantId, roles: ['supervisor'], org: 'emea.south' });
  });

  afterAll(async () => {
    await publisher?.disconnect();
    await service?.close();
  });

  it("follows a user's moves between org units, ignores stale events, and forgets a deactivated user", async () => {
    await publishUser('created', rep);
    await eventually('the north supervisor sees the rep', async () => (await trackStatus(readers.north)) === 200);
    expect(await trackStatus(readers.south)).toBe(404);

    await publishUser('moved', { ...rep, orgPath: 'emea.south', version: 3 });
    const stale = await publishUser('moved', { ...rep, orgPath: 'emea.north', version: 2 });
    await eventually('the stale move is consumed', () => processed(stale));
    expect(await trackStatus(readers.south)).toBe(200);
    expect(await trackStatus(readers.north)).toBe(404);

    await publishUser('deactivated', { ...rep, orgPath: 'emea.south', active: false, version: 4 });
    await eventually('nobody but an admin sees the rep', async () => (await trackStatus(readers.south)) === 404);
  });
});
