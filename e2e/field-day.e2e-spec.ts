import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { Topics } from '@fieldforce/contracts';
import { KafkaTopicCollector, eventually, testAdminUrl } from '@fieldforce/testing';
import { type Answer, type CallOptions, GatewayClient, expectStatus, isoDay, keyed, nearby, typeOf } from './support/gateway-client';
import { type JourneyPlatform, createTenant, startJourneyPlatform } from './support/platform';

const PASSWORD = 'a-field-day-password';
// Events travel through the outbox, the broker and a consumer: generous, but bounded.
const EVENTS_MS = 30_000;

interface Task {
  id: string;
  customerId: string;
  assigneeId: string | null;
  status: string;
}

interface SyncChange {
  entity: string;
  id: string;
  op: 'upsert' | 'delete';
  data: Record<string, unknown> | null;
}

/**
 * A field day of the whole platform, played through the gateway's URL only: every service runs
 * as its own process, verifying the tokens the permissions service issues against its JWKS.
 * (The rest of the week — tenant roles, territories, reports, check-outs, reviews, an offline
 * queue — is e2e/field-week.e2e-spec.ts.)
 */
describe('a field day through the gateway', () => {
  let platform: JourneyPlatform;
  let client: GatewayClient;
  let events: KafkaTopicCollector;
  let database: Client;
  const slug = `fieldday-${randomBytes(3).toString('hex')}`;

  // What the journey learns along the way.
  let tenantId = '';
  let adminToken = '';
  let repToken = '';
  let supervisorToken = '';
  let repId = '';
  let teamId = '';
  let templateId = '';
  const customers: { id: string; name: string; grade: string; location: { lat: number; lng: number } }[] = [
    { id: randomUUID(), name: 'Apotheke am Markt', grade: 'A', location: { lat: 52.5321, lng: 13.3849 } },
    { id: randomUUID(), name: 'Kiosk Nord', grade: 'B', location: { lat: 52.5502, lng: 13.4011 } },
  ];
  let genuineCheckInId = '';
  let spoofedCheckInId = '';
  let visitedTask: Task | undefined;

  const call = <T = Record<string, unknown>>(method: string, url: string, options?: CallOptions): Promise<Answer<T>> => client.call<T>(method, url, options);
  const login = (username: string) => client.login(username);

  beforeAll(async () => {
    platform = await startJourneyPlatform('field-day');
    client = new GatewayClient(platform.gatewayUrl, slug, PASSWORD);
    events = await KafkaTopicCollector.start(
      platform.kafka,
      ...[Topics.customers.customer, Topics.visits.task, Topics.checkins.checkIn].map((topic) => `${platform.kafka.topicPrefix}${topic}`),
    );
    database = new Client({ connectionString: testAdminUrl() });
    await database.connect();
  }, 300_000);

  afterAll(async () => {
    await platform?.stop();
    await events?.stop();
    await database?.end();
  });

  it('creates the tenant with the tenant CLI', async () => {
    const run = await createTenant({ slug, admin: 'chief', name: 'Field Day GmbH', password: PASSWORD });
    expect(run.output).toContain(`tenant ${slug} created`);
    expect(run.code).toBe(0);
  }, 60_000);

  it('lets the admin enrol TOTP and set up a team with a rep, a supervisor and graded customers owned by the rep', async () => {
    adminToken = await client.enrolAdmin('chief');
    const me = await call<{ user: { tenantId: string; roles: string[] }; actions: string[] }>('GET', '/api/v1/me', { token: adminToken });
    expectStatus(me, 200, 'GET /api/v1/me');
    expect(me.body.user.roles).toEqual(['admin']);
    tenantId = me.body.user.tenantId;
    expect(tenantId).toMatch(/^[0-9a-f-]{36}$/);

    const units = await call<{ items: { id: string; parentId: string | null }[] }>('GET', '/api/v1/org-units', { token: adminToken });
    expectStatus(units, 200, 'GET /api/v1/org-units');
    const root = units.body.items.find((unit) => unit.parentId === null);
    const team = await call<{ id: string; path: string }>('POST', '/api/v1/org-units', { token: adminToken, body: { name: 'Berlin Nord', parentId: root?.id } });
    expectStatus(team, 201, 'POST /api/v1/org-units');
    teamId = team.body.id;
    const createUser = async (username: string, role: string): Promise<string> => {
      const created = await call<{ id: string }>('POST', '/api/v1/users', {
        token: adminToken,
        body: { username, displayName: username, password: PASSWORD, orgUnitId: teamId, roles: [role] },
      });
      expectStatus(created, 201, `POST /api/v1/users (${role})`);
      return created.body.id;
    };
    repId = await createUser('rita', 'rep');
    await createUser('sven', 'supervisor');

    // customers learns of the rep from the permission events: until then it cannot own customers.
    for (const customer of customers) {
      let created: Answer | undefined;
      await eventually(`customers accepts ${repId} as the owner of ${customer.name}`, async () => {
        created = await call('POST', '/api/v1/customers', { token: adminToken, body: { ...customer, ownerId: repId } });
        return created.status !== 422 && created.status !== 404;
      }, EVENTS_MS);
      expectStatus(created!, 201, 'POST /api/v1/customers');
      expect(created!.body).toMatchObject({ id: customer.id, tenantId, grade: customer.grade, ownerId: repId, orgPath: team.body.path, version: 1 });
    }
    for (const customer of customers) {
      const [record] = await events.waitFor(keyed(customer.id), 1, EVENTS_MS);
      expect(typeOf(record!)).toBe('fieldforce.customers.customer.created.v1');
      expect(JSON.parse(record!.value)).toMatchObject({ tenantid: tenantId, data: { customer: expect.objectContaining({ ownerId: repId, grade: customer.grade }) } });
    }
  }, 90_000);

  it('plans a week of visits from a template for the grades, and the rep sees the tasks', async () => {
    const template = await call<{ id: string }>('POST', '/api/v1/visit-templates', {
      token: adminToken,
      body: {
        name: 'Weekly round',
        grades: ['A', 'B'],
        frequency: { every: 1, unit: 'week' },
        expectedDurationMinutes: 30,
        geofenceRadiusMeters: 150,
        steps: [
          { key: 'arrive', type: 'check-in', required: true },
          { key: 'leave', type: 'check-out', required: true },
        ],
      },
    });
    expectStatus(template, 201, 'POST /api/v1/visit-templates');
    templateId = template.body.id;

    const today = new Date();
    const week = { from: isoDay(today), to: isoDay(new Date(today.getTime() + 6 * 86_400_000)) };
    // visits learns of the customers from their events; generating again only skips what is planned.
    let tasks: Task[] = [];
    await eventually('the plan covers every customer', async () => {
      const generated = await call<{ created: number; byOwner: Record<string, number> }>('POST', '/api/v1/visit-plans/generate', { token: adminToken, body: week });
      expectStatus(generated, 200, 'POST /api/v1/visit-plans/generate');
      const listed = await call<{ items: Task[] }>('GET', '/api/v1/visit-tasks?limit=200', { token: adminToken });
      tasks = listed.body.items;
      return customers.every((customer) => tasks.some((task) => task.customerId === customer.id));
    }, EVENTS_MS);

    const seen = await call<{ items: Task[] }>('GET', '/api/v1/visit-tasks?limit=200', { token: (await login('rita')).accessToken });
    expectStatus(seen, 200, 'GET /api/v1/visit-tasks (rep)');
    expect(seen.body.items.length).toBe(tasks.length);
    for (const task of seen.body.items) expect(task).toMatchObject({ assigneeId: repId, status: 'planned' });
    const planned = await events.waitFor((record) => tasks.some((task) => task.id === record.key), tasks.length, EVENTS_MS);
    expect(new Set(planned.map(typeOf))).toEqual(new Set(['fieldforce.visits.task.planned.v1']));
  }, 90_000);

  it('lets the rep log in and pull their customers, tasks and templates', async () => {
    repToken = (await login('rita')).accessToken;
    supervisorToken = (await login('sven')).accessToken;
    const clientId = randomUUID();

    let changes: SyncChange[] = [];
    await eventually('the rep\'s feed holds their customers, tasks and template', async () => {
      changes = [];
      let cursor: string | undefined;
      for (let page = 0; page < 50; page += 1) {
        const query = new URLSearchParams({ clientId, limit: '100', ...(cursor ? { cursor } : {}) });
        const pulled = await call<{ changes: SyncChange[]; cursor: string; hasMore: boolean }>('GET', `/api/v1/sync/pull?${query.toString()}`, { token: repToken });
        expectStatus(pulled, 200, 'GET /api/v1/sync/pull');
        changes.push(...pulled.body.changes);
        cursor = pulled.body.cursor;
        if (!pulled.body.hasMore) break;
      }
      const ids = (entity: string): Set<string> => new Set(changes.filter((change) => change.entity === entity).map((change) => change.id));
      return (
        customers.every((customer) => ids('customer').has(customer.id)) &&
        ids('visit-template').has(templateId) &&
        ids('visit-task').size >= customers.length
      );
    }, EVENTS_MS);
    const customer = changes.find((change) => change.id === customers[0]!.id);
    expect(customer).toMatchObject({ entity: 'customer', op: 'upsert', data: expect.objectContaining({ name: customers[0]!.name, ownerId: repId }) });
    expect(changes.filter((change) => change.entity === 'visit-task').every((change) => change.data?.assigneeId === repId)).toBe(true);
  }, 60_000);

  it('records a genuine and a spoofed check-in and a track, and the supervisor sees them and the started visit', async () => {
    const visited = customers[0]!;
    // checkins learns customer locations from the customer events: without it every check-in is flagged as unknown.
    await eventually('checkins knows the customer locations', async () => {
      const known = await database.query('SELECT id FROM checkins.customers WHERE tenant_id = $1 AND lat IS NOT NULL', [tenantId]);
      return known.rowCount === customers.length;
    }, EVENTS_MS);
    const tasks = await call<{ items: Task[] }>('GET', `/api/v1/visit-tasks?customerId=${visited.id}&limit=50`, { token: repToken });
    visitedTask = tasks.body.items[0];
    expect(visitedTask).toBeDefined();

    const now = new Date();
    genuineCheckInId = randomUUID();
    const genuine = await call<{ status: string; reasons: string[]; checkIn: { distanceM: number } }>('POST', '/api/v1/check-ins', {
      token: repToken,
      body: {
        id: genuineCheckInId,
        customerId: visited.id,
        taskId: visitedTask!.id,
        deviceId: 'device-rita',
        point: { ...nearby(visited.location), accuracyM: 8, capturedAt: now.toISOString(), provider: 'gps', isMock: false },
      },
    });
    expectStatus(genuine, 201, 'POST /api/v1/check-ins (genuine)');
    expect(genuine.body).toMatchObject({ status: 'verified', reasons: [] });
    expect(genuine.body.checkIn.distanceM).toBeLessThan(150);

    spoofedCheckInId = randomUUID();
    const spoofed = await call<{ status: string; reasons: string[] }>('POST', '/api/v1/check-ins', {
      token: repToken,
      body: {
        id: spoofedCheckInId,
        customerId: customers[1]!.id,
        deviceId: 'device-rita',
        // Claims to be at the customer a few seconds later from ~60 km away, with a mock provider.
        point: { lat: 52.0, lng: 13.3, accuracyM: 5, capturedAt: new Date(now.getTime() + 5_000).toISOString(), provider: 'gps', isMock: true },
      },
    });
    expectStatus(spoofed, 201, 'POST /api/v1/check-ins (spoofed)');
    expect(spoofed.body.status).toBe('flagged');
    expect(spoofed.body.reasons).toEqual(expect.arrayContaining(['MOCK_LOCATION', 'OUTSIDE_GEOFENCE']));

    const track = Array.from({ length: 5 }, (_, index) => ({
      seq: index + 1,
      lat: visited.location.lat + index * 0.0002,
      lng: visited.location.lng,
      accuracyM: 10,
      capturedAt: new Date(now.getTime() - (5 - index) * 30_000).toISOString(),
    }));
    const uploaded = await call<{ accepted: number; duplicates: number; rejected: unknown[] }>('POST', '/api/v1/trajectories/points', {
      token: repToken,
      body: { deviceId: 'device-rita', points: track },
    });
    expectStatus(uploaded, 200, 'POST /api/v1/trajectories/points');
    expect(uploaded.body).toEqual({ accepted: 5, duplicates: 0, rejected: [] });

    const flagged = await call<{ items: { id: string; status: string; userId: string }[] }>('GET', '/api/v1/check-ins?status=flagged', { token: supervisorToken });
    expectStatus(flagged, 200, 'GET /api/v1/check-ins?status=flagged');
    expect(flagged.body.items.map((checkIn) => checkIn.id)).toEqual([spoofedCheckInId]);
    expect(flagged.body.items[0]).toMatchObject({ userId: repId, status: 'flagged' });

    const live = await call<{ items: { userId: string; lat: number; lng: number }[] }>('GET', '/api/v1/live-positions', { token: supervisorToken });
    expectStatus(live, 200, 'GET /api/v1/live-positions');
    const last = track[track.length - 1]!;
    expect(live.body.items.find((position) => position.userId === repId)).toMatchObject({ lat: expect.closeTo(last.lat, 6), lng: expect.closeTo(last.lng, 6) });

    await eventually('visits starts the task of the genuine check-in', async () => {
      const task = await call<Task>('GET', `/api/v1/visit-tasks/${visitedTask!.id}`, { token: supervisorToken });
      return task.status === 200 && task.body.status === 'in_progress';
    }, EVENTS_MS);
    const recorded = await events.waitFor((record) => record.key === genuineCheckInId || record.key === spoofedCheckInId, 2, EVENTS_MS);
    expect(recorded.map(typeOf)).toEqual(['fieldforce.checkins.check-in.recorded.v1', 'fieldforce.checkins.check-in.recorded.v1']);
    const started = await events.waitFor((record) => record.key === visitedTask!.id && typeOf(record) === 'fieldforce.visits.task.started.v1', 1, EVENTS_MS);
    expect(JSON.parse(started[0]!.value)).toMatchObject({ data: { task: expect.objectContaining({ status: 'in_progress' }) } });
  }, 90_000);

  it('keeps the supervisor\'s concurrent REST edit over the rep\'s offline edit of the same field, and tells the rep', async () => {
    const customer = customers[1]!;
    const read = await call<{ name: string; version: number }>('GET', `/api/v1/customers/${customer.id}`, { token: repToken });
    expectStatus(read, 200, 'GET /api/v1/customers/:id (rep)');
    const base = read.body;

    const edited = await call<{ name: string; version: number }>('PATCH', `/api/v1/customers/${customer.id}`, {
      token: supervisorToken,
      headers: { 'if-match': `"${base.version}"` },
      body: { name: 'Kiosk Nord (Supervisor)' },
    });
    expectStatus(edited, 200, 'PATCH /api/v1/customers/:id (supervisor)');
    expect(edited.body.version).toBe(base.version + 1);

    const pushed = await call<{ results: { mutationId: number; status: string; conflicts?: Record<string, unknown>[] }[] }>('POST', '/api/v1/sync/push', {
      token: repToken,
      body: {
        clientId: randomUUID(),
        mutations: [
          { mutationId: 1, entity: 'customer', entityId: customer.id, op: 'update', baseVersion: base.version, base: { name: base.name }, changes: { name: 'Kiosk Nord (Rep)' } },
        ],
      },
    });
    expectStatus(pushed, 200, 'POST /api/v1/sync/push');
    const [result] = pushed.body.results;
    expect(result).toMatchObject({ mutationId: 1 });
    // The rep's only change lost: nothing of theirs to apply, whichever of the two the push reports.
    expect(['merged', 'rejected']).toContain(result?.status);
    expect(result?.conflicts).toEqual([
      expect.objectContaining({ field: 'name', base: customer.name, server: 'Kiosk Nord (Supervisor)', client: 'Kiosk Nord (Rep)', winner: 'server' }),
    ]);

    const after = await call<{ name: string }>('GET', `/api/v1/customers/${customer.id}`, { token: repToken });
    expect(after.body.name).toBe('Kiosk Nord (Supervisor)');
    const updates = await events.waitFor((record) => record.key === customer.id && typeOf(record) === 'fieldforce.customers.customer.updated.v1', 1, EVENTS_MS);
    expect(JSON.parse(updates[updates.length - 1]!.value)).toMatchObject({ data: { customer: expect.objectContaining({ name: 'Kiosk Nord (Supervisor)' }) } });
  }, 60_000);
});
