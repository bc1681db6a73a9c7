import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { createEvent, Topics } from '@fieldforce/contracts';
import { TerritoriesService } from '../src/modules/territories/territories.service';
import { squarePolygon, squareRing } from './factories/territory.factory';
import { orgUnitState, userState } from './factories/user.factory';
import { type CustomersTestApp, startCustomersTestApp } from './support/customers-test-app';
import { outboxEventsOf } from './support/outbox';
import { seedOrgUnits, seedUsers } from './support/users';

type TerritoryEvent = { territory: Record<string, unknown>; changedFields: string[] };

/** Polls `probe` until it holds; fails naming `what` after `timeoutMs`. */
async function eventually(what: string, probe: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe(TerritoriesService.name, () => {
  let service: CustomersTestApp;
  let dataSource: DataSource;
  const tenantId = randomUUID();
  const repNorth = userState({ tenantId, orgPath: 'emea.north' });
  const repSouth = userState({ tenantId, orgPath: 'emea.south' });
  const north = orgUnitState({ tenantId, path: 'emea.north' });
  const south = orgUnitState({ tenantId, path: 'emea.south' });
  let admin: string;
  let supervisorNorth: string;

  beforeAll(async () => {
    service = await startCustomersTestApp();
    dataSource = service.app.get(DataSource);
    await seedUsers(service.app, [repNorth, repSouth]);
    await seedOrgUnits(service.app, [north, south]);
    admin = await service.jwks.sign({ tid: tenantId, roles: ['admin'], org: 'hq' });
    supervisorNorth = await service.jwks.sign({ tid: tenantId, roles: ['supervisor'], org: 'emea.north' });
  });

  afterAll(async () => {
    await service?.close();
  });

  const request = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, token: string, payload?: object, headers: Record<string, string> = {}) =>
    service.app.inject({ method, url: `/api/v1/territories${url}`, headers: { authorization: `Bearer ${token}`, ...headers }, payload });

  const territoryCount = async (): Promise<number> => {
    const [row] = await dataSource.query<{ count: string }[]>('SELECT count(*) FROM customers.territories WHERE tenant_id = $1', [tenantId]);
    return Number(row!.count);
  };

  it("creates a rep's territory and an org unit's, which take the rep's and the unit's org path", async () => {
    const ofRep = await request('POST', '', admin, { name: 'Mitte', geometry: squarePolygon(13.35, 52.5, 0.05), ownerId: repNorth.id });
    const ofUnit = await request('POST', '', admin, { name: 'South', geometry: squarePolygon(13.3, 52.4, 0.1), orgUnitId: south.id });

    expect(ofRep.statusCode).toBe(201);
    expect(ofRep.headers.etag).toBe('"1"');
    expect(ofRep.json()).toMatchObject({ ownerId: repNorth.id, orgUnitId: null, orgPath: 'emea.north', version: 1 });
    expect(ofUnit.json()).toMatchObject({ ownerId: null, orgUnitId: south.id, orgPath: 'emea.south' });
    expect((await request('GET', `/${ofRep.json().id}`, admin)).json()).toEqual(ofRep.json());
  });

  it.each([
    ['an unclosed ring', { type: 'Polygon', coordinates: [squareRing(13, 52, 1).slice(0, 4)] }, 'geometry.coordinates[0]'],
    ['a self-intersecting ring', { type: 'Polygon', coordinates: [[[13, 52], [14, 53], [14, 52], [13, 53], [13, 52]]] }, 'geometry.coordinates[0]'],
    ['a latitude of 91', { type: 'Polygon', coordinates: [[[13, 52], [14, 52], [14, 91], [13, 52]]] }, 'geometry.coordinates[0][2]'],
    ['a point', { type: 'Point', coordinates: [13, 52] }, 'geometry.type'],
    ['a multipolygon of overlapping parts', { type: 'MultiPolygon', coordinates: [[squareRing(13, 52, 1)], [squareRing(13.5, 52.5, 1)]] }, 'geometry.coordinates[1]'],
  ])('refuses %s with 422 naming where, and writes nothing', async (_case, geometry, field) => {
    const before = await territoryCount();
    const response = await request('POST', '', admin, { name: 'Bad', geometry, ownerId: repNorth.id });

    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ code: 'GEO_INVALID_GEOMETRY', errors: [{ field }] });
    expect(await territoryCount()).toBe(before);
  });

  it('refuses a geometry with a coordinate too large to be finite, with 422', async () => {
    const body = JSON.stringify({ name: 'Bad', geometry: squarePolygon(13, 52, 1), ownerId: repNorth.id }).replace('[14,52]', '[1e400,52]');
    const response = await service.app.inject({
      method: 'POST',
      url: '/api/v1/territories',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      payload: body,
    });
    expect(response.statusCode).toBe(422);
    expect(response.json().errors[0].field).toBe('geometry.coordinates[0][1]');
  });

  it('needs exactly one of owner and org unit, each known and within the caller\'s scope', async () => {
    const geometry = squarePolygon(13, 52, 1);
    const both = await request('POST', '', admin, { name: 'x', geometry, ownerId: repNorth.id, orgUnitId: north.id });
    const neither = await request('POST', '', admin, { name: 'x', geometry });
    const foreignRep = await request('POST', '', supervisorNorth, { name: 'x', geometry, ownerId: repSouth.id });
    const foreignUnit = await request('POST', '', supervisorNorth, { name: 'x', geometry, orgUnitId: south.id });
    const unknownUnit = await request('POST', '', admin, { name: 'x', geometry, orgUnitId: randomUUID() });

    expect([both.statusCode, neither.statusCode]).toEqual([400, 400]);
    expect(foreignRep.json()).toMatchObject({ status: 422, code: 'CUSTOMER_OWNER_UNKNOWN' });
    expect(foreignUnit.json()).toMatchObject({ status: 422, code: 'TERRITORY_ORG_UNIT_UNKNOWN' });
    expect(unknownUnit.statusCode).toBe(422);
  });

  it("lists and reads only the territories of the caller's scope", async () => {
    const ofNorth = (await request('POST', '', supervisorNorth, { name: 'N', geometry: squarePolygon(10, 50, 1), ownerId: repNorth.id })).json();
    const ofSouth = (await request('POST', '', admin, { name: 'S', geometry: squarePolygon(11, 50, 1), ownerId: repSouth.id })).json();

    const listed: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { id: string; orgPath: string }[]; nextCursor: string | null } = (
        await request('GET', `?limit=2${cursor ? `&cursor=${cursor}` : ''}`, supervisorNorth)
      ).json();
      expect(page.items.every((item) => item.orgPath === 'emea.north')).toBe(true);
      listed.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
    } while (cursor);

    expect(listed).toContain(ofNorth.id);
    expect(listed).not.toContain(ofSouth.id);
    expect((await request('GET', `/${ofSouth.id}`, supervisorNorth)).statusCode).toBe(404);
  });

  it('updates at the If-Match version (412 when stale, 428 without), validates the new shape, and deletes softly', async () => {
    const created = (await request('POST', '', admin, { name: 'Edit me', geometry: squarePolygon(12, 50, 1), ownerId: repNorth.id })).json();
    const url = `/${created.id}`;

    const moved = await request('PATCH', url, admin, { geometry: squarePolygon(12, 51, 1), orgUnitId: north.id }, { 'if-match': '"1"' });
    const stale = await request('PATCH', url, admin, { name: 'Late' }, { 'if-match': '"1"' });
    const blind = await request('PATCH', url, admin, { name: 'Blind' });
    const broken = await request('PATCH', url, admin, { geometry: { type: 'Polygon', coordinates: [squareRing(0, 0, 1).slice(1)] } }, { 'if-match': '"2"' });

    expect(moved.statusCode).toBe(200);
    expect(moved.json()).toMatchObject({ version: 2, ownerId: null, orgUnitId: north.id, geometry: squarePolygon(12, 51, 1) });
    expect([stale.statusCode, blind.statusCode, broken.statusCode]).toEqual([412, 428, 422]);
    expect((await request('DELETE', url, admin, undefined, { 'if-match': '"2"' })).statusCode).toBe(204);
    expect((await request('GET', url, admin)).statusCode).toBe(404);
  });

  it('publishes created, updated (with what changed) and deleted with the full state; an update changing nothing publishes nothing', async () => {
    const created = await request('POST', '', admin, { name: 'Evented', geometry: squarePolygon(11, 48, 1), ownerId: repNorth.id });
    const { id } = created.json();
    const unchanged = await request('PATCH', `/${id}`, admin, { name: 'Evented', ownerId: repNorth.id }, { 'if-match': '"1"' });
    const renamed = await request('PATCH', `/${id}`, admin, { name: 'Evented too', geometry: squarePolygon(11, 48, 1) }, { 'if-match': '"1"' });
    expect(unchanged.json()).toMatchObject({ version: 1 });
    expect(renamed.json()).toMatchObject({ version: 2, name: 'Evented too' });
    expect((await request('DELETE', `/${id}`, admin)).statusCode).toBe(204);

    const events = await outboxEventsOf<TerritoryEvent>(dataSource, id);
    expect(events.map((event) => event.type)).toEqual([
      'fieldforce.customers.territory.created.v1',
      'fieldforce.customers.territory.updated.v1',
      'fieldforce.customers.territory.deleted.v1',
    ]);
    expect(events[0]!.data).toEqual({ territory: { ...created.json(), deletedAt: null }, changedFields: ['name', 'geometry', 'ownerId', 'orgUnitId', 'orgPath'] });
    expect(events[1]!.data).toEqual({ territory: { ...renamed.json(), deletedAt: null }, changedFields: ['name'] });
    expect(events[2]!.data.changedFields).toEqual(['deletedAt']);
    expect(events[2]!.data.territory).toMatchObject({ id, version: 3, deletedAt: expect.any(String) });
  });

  it('follows its org unit when the unit moves (org-unit events)', async () => {
    const unit = orgUnitState({ tenantId, path: 'emea.east' });
    await seedOrgUnits(service.app, [unit]);
    const created = (await request('POST', '', admin, { name: 'East', geometry: squarePolygon(14, 52, 1), orgUnitId: unit.id })).json();
    const producer: Producer = new Kafka({ clientId: 'permissions', brokers: service.kafka.brokers, logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    try {
      const movedUnit = { ...unit, path: 'emea.north.east', version: 2 };
      const event = createEvent('fieldforce.permissions.org-unit.moved.v1', {
        subject: unit.id,
        tenantId,
        data: { orgUnit: movedUnit, changedFields: ['parentId', 'path'], previousPath: unit.path },
      });
      await producer.send({ topic: service.kafka.topicPrefix + Topics.permissions.orgUnit, acks: -1, messages: [{ key: unit.id, value: JSON.stringify(event) }] });

      await eventually('the territory follows its unit', async () => (await request('GET', `/${created.id}`, admin)).json().orgPath === 'emea.north.east');
      expect((await request('GET', `/${created.id}`, supervisorNorth)).statusCode).toBe(200);
      const events = await outboxEventsOf<TerritoryEvent>(dataSource, created.id);
      expect(events.map((event) => event.type)).toEqual(['fieldforce.customers.territory.created.v1', 'fieldforce.customers.territory.updated.v1']);
      expect(events[1]!.data).toMatchObject({ territory: { orgPath: 'emea.north.east', version: 2 }, changedFields: ['orgPath'] });
    } finally {
      await producer.disconnect();
    }
  });
});
