import { createHash, randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import { Client } from 'pg';
import { Topics } from '@fieldforce/contracts';
import { type CollectedRecord, KafkaTopicCollector, eventually, testAdminUrl } from '@fieldforce/testing';
import { type Answer, type CallOptions, GatewayClient, type Problem, envelopeOf, expectStatus, isoDay, keyed, nearby, typeOf } from './support/gateway-client';
import { journeySteps } from './support/journey';
import { type JourneyPlatform, createTenant, startJourneyPlatform } from './support/platform';

const PASSWORD = 'a-field-week-password';
// Events travel through the outbox, the broker and a consumer: generous, but bounded.
const EVENTS_MS = 30_000;
const DAY_MS = 86_400_000;
const TUS = { 'tus-resumable': '1.0.0' };
const OCTETS = 'application/offset+octet-stream';

interface Customer {
  id: string;
  name: string;
  grade: string;
  location: { lat: number; lng: number };
  address: string;
  creditLimit: number;
}

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

interface CheckIn {
  id: string;
  userId: string;
  status: string;
  offline: boolean;
  reasons: string[];
  durationS: number | null;
  checkOut: unknown;
  review: { decision: string; reviewerId: string } | null;
}

interface PushResult {
  mutationId: number;
  status: string;
  version?: number;
  conflicts?: Record<string, unknown>[];
  data?: Record<string, unknown>;
  problem?: Problem;
}

interface Coverage {
  customersDue: number;
  customersVisited: number;
  coveragePercent: number | null;
  tasksDue: number;
  tasksCompleted: number;
  checkIns: number;
  checkInsFlagged: number;
}

/** A GeoJSON polygon (lng, lat) of the box between two corners. */
const box = (west: number, south: number, east: number, north: number) => ({
  type: 'Polygon',
  coordinates: [[[west, south], [east, south], [east, north], [west, north], [west, south]]],
});
const sha256 = (bytes: Buffer, encoding: 'hex' | 'base64'): string => createHash('sha256').update(bytes).digest(encoding);

/**
 * The rest of a field week through the gateway (e2e/field-day.e2e-spec.ts plays the first day):
 * a tenant-defined rep role with field rules and its change at runtime, territories and
 * auto-assignment, a visit report with a resumable photo upload, a check-out completing the
 * task, an offline queue with a check-in pushed against a supervisor's concurrent edit, and the
 * supervisor's coverage, review and live map — each step's effects checked across the services
 * and on Kafka.
 */
describe('a field week through the gateway', () => {
  let platform: JourneyPlatform;
  let client: GatewayClient;
  let events: KafkaTopicCollector;
  let database: Client;
  const steps = journeySteps();
  const step = steps.step;
  const slug = `fieldweek-${randomBytes(3).toString('hex')}`;

  // What the journey learns along the way.
  let tenantId = '';
  let adminToken = '';
  let supervisorToken = '';
  let supervisorId = '';
  let teamId = '';
  let teamPath = '';
  let roleId = '';
  const wanda = { id: '', token: '', clientId: randomUUID(), cursor: '' };
  const xaver = { id: '', token: '', clientId: randomUUID(), cursor: '' };
  let week = { from: '', to: '' };
  let tasks: Task[] = [];
  let genuine = { id: '', capturedAt: '' };
  let spoofedId = '';
  let photo = { id: '', location: '', bytes: Buffer.alloc(0) };
  let offlineCheckInId = '';
  let offlineCustomerId = '';

  // North of Berlin is wanda's territory, the south xaver's.
  const north = box(13.3, 52.52, 13.45, 52.6);
  const south = box(13.3, 52.42, 13.5, 52.5);
  const customers: Customer[] = [
    { id: randomUUID(), name: 'Apotheke Nord', grade: 'A', location: { lat: 52.5321, lng: 13.3849 }, address: 'Invalidenstraße 12', creditLimit: 25_000 },
    { id: randomUUID(), name: 'Kiosk Wedding', grade: 'B', location: { lat: 52.5502, lng: 13.3611 }, address: 'Müllerstraße 40', creditLimit: 2_000 },
    { id: randomUUID(), name: 'Bäckerei Süd', grade: 'A', location: { lat: 52.47, lng: 13.4011 }, address: 'Karl-Marx-Straße 90', creditLimit: 8_000 },
    { id: randomUUID(), name: 'Späti Tempelhof', grade: 'B', location: { lat: 52.465, lng: 13.385 }, address: 'Tempelhofer Damm 3', creditLimit: 1_500 },
  ];
  const [apotheke, kiosk, baeckerei, spaeti] = customers as [Customer, Customer, Customer, Customer];

  const call = <T = Record<string, unknown>>(method: string, url: string, options?: CallOptions): Promise<Answer<T>> => client.call<T>(method, url, options);
  const ownerOf = (customer: Customer): string => (customer === apotheke || customer === kiosk ? wanda.id : xaver.id);
  const taskAt = (customer: Customer): Task => {
    const task = tasks.find((candidate) => candidate.customerId === customer.id);
    if (!task) throw new Error(`no task for ${customer.name}`);
    return task;
  };
  const eventOf = (id: string, type: string) => (record: CollectedRecord) => record.key === id && typeOf(record) === type;

  /** Pulls from `cursor` until nothing more is pending; answers every change and the last cursor. */
  async function pullAll(rep: { token: string; clientId: string }, cursor: string): Promise<{ changes: SyncChange[]; cursor: string }> {
    const changes: SyncChange[] = [];
    for (let page = 0; page < 50; page += 1) {
      const query = new URLSearchParams({ clientId: rep.clientId, limit: '100', ...(cursor ? { cursor } : {}) });
      const pulled = await call<{ changes: SyncChange[]; cursor: string; hasMore: boolean }>('GET', `/api/v1/sync/pull?${query.toString()}`, { token: rep.token });
      expectStatus(pulled, 200, 'GET /api/v1/sync/pull');
      changes.push(...pulled.body.changes);
      cursor = pulled.body.cursor;
      if (!pulled.body.hasMore) break;
    }
    return { changes, cursor };
  }

  /** A tus request through the gateway, as the app's upload client makes it. */
  function tus(method: string, url: string, token: string, headers: Record<string, string> = {}, body?: Buffer): Promise<Response> {
    return fetch(platform.gatewayUrl + url, { method, headers: { ...TUS, authorization: `Bearer ${token}`, ...headers }, body });
  }

  beforeAll(async () => {
    platform = await startJourneyPlatform('field-week');
    client = new GatewayClient(platform.gatewayUrl, slug, PASSWORD);
    const topics = [Topics.permissions.role, Topics.customers.customer, Topics.customers.territory, Topics.visits.task, Topics.checkins.checkIn];
    events = await KafkaTopicCollector.start(platform.kafka, ...topics.map((topic) => `${platform.kafka.topicPrefix}${topic}`));
    database = new Client({ connectionString: testAdminUrl() });
    await database.connect();
  }, 300_000);

  afterAll(async () => {
    // What the processes said is what tells a slow machine from a broken service.
    if (steps.failed() && platform) console.error(`field week failed; the platform's output:\n${platform.outputTails()}`);
    await platform?.stop();
    await events?.stop();
    await database?.end();
  });

  step('creates the tenant with the tenant CLI, and its admin enrols TOTP', async () => {
    const run = await createTenant({ slug, admin: 'chief', name: 'Field Week GmbH', password: PASSWORD });
    expect(run.code).toBe(0);
    adminToken = await client.enrolAdmin('chief');
    const me = await call<{ user: { tenantId: string } }>('GET', '/api/v1/me', { token: adminToken });
    expectStatus(me, 200, 'GET /api/v1/me');
    tenantId = me.body.user.tenantId;
  }, 60_000);

  step('lets the admin define a rep role with field rules, a team, two reps of that role and a supervisor', async () => {
    const role = await call<{ id: string; version: number; builtIn: boolean }>('POST', '/api/v1/roles', {
      token: adminToken,
      body: {
        name: 'field_rep',
        rank: 10,
        scope: 'own',
        actions: ['customer:read', 'customer:create', 'customer:update', 'visit:read', 'task:read', 'task:update', 'checkin:read', 'checkin:create'],
        // May not see credit limits, nor regrade a customer.
        fieldRules: { customer: { unreadable: ['creditLimit'], unwritable: ['grade'] } },
      },
    });
    expectStatus(role, 201, 'POST /api/v1/roles');
    expect(role.body).toMatchObject({ version: 1, builtIn: false });
    roleId = role.body.id;
    const [created] = await events.waitFor(keyed(roleId), 1, EVENTS_MS);
    expect(envelopeOf(created!)).toMatchObject({
      type: 'fieldforce.permissions.role.created.v1',
      tenantid: tenantId,
      // What may not be read may not be written either.
      data: { role: expect.objectContaining({ name: 'field_rep', fieldRules: { customer: { unreadable: ['creditLimit'], unwritable: ['creditLimit', 'grade'] } } }) },
    });

    const units = await call<{ items: { id: string; parentId: string | null }[] }>('GET', '/api/v1/org-units', { token: adminToken });
    const root = units.body.items.find((unit) => unit.parentId === null);
    const team = await call<{ id: string; path: string }>('POST', '/api/v1/org-units', { token: adminToken, body: { name: 'Berlin', parentId: root?.id } });
    expectStatus(team, 201, 'POST /api/v1/org-units');
    teamId = team.body.id;
    teamPath = team.body.path;
    const createUser = async (username: string, roleName: string): Promise<string> => {
      const user = await call<{ id: string; roles: string[] }>('POST', '/api/v1/users', {
        token: adminToken,
        body: { username, displayName: username, password: PASSWORD, orgUnitId: teamId, roles: [roleName] },
      });
      expectStatus(user, 201, `POST /api/v1/users (${roleName})`);
      expect(user.body.roles).toEqual([roleName]);
      return user.body.id;
    };
    wanda.id = await createUser('wanda', 'field_rep');
    xaver.id = await createUser('xaver', 'field_rep');
    supervisorId = await createUser('sven', 'supervisor');
    wanda.token = (await client.login('wanda')).accessToken;
    xaver.token = (await client.login('xaver')).accessToken;
    supervisorToken = (await client.login('sven')).accessToken;
    const me = await call<{ user: { roles: string[] }; actions: string[] }>('GET', '/api/v1/me', { token: wanda.token });
    expect(me.body.user.roles).toEqual(['field_rep']);
  }, 60_000);

  step('lets the admin add graded customers and territories, and auto-assign the customers to the reps of their territories', async () => {
    for (const customer of customers) {
      // Owned by the admin who creates them, once customers knows the admin from the permission events.
      let created: Answer<{ id: string; ownerId: string; creditLimit: number }> | undefined;
      await eventually(`customers accepts ${customer.name}`, async () => {
        created = await call('POST', '/api/v1/customers', { token: adminToken, body: customer });
        return created.status !== 422 && created.status !== 404;
      }, EVENTS_MS);
      expectStatus(created!, 201, `POST /api/v1/customers (${customer.name})`);
      expect(created!.body).toMatchObject({ id: customer.id, grade: customer.grade, creditLimit: customer.creditLimit });
    }
    const territories: { id: string; ownerId: string }[] = [];
    for (const [name, geometry, ownerId] of [['Nord', north, wanda.id], ['Süd', south, xaver.id]] as const) {
      // customers learns of the reps from the permission events: until then a territory cannot be theirs.
      let territory: Answer<{ id: string; ownerId: string; orgPath: string }> | undefined;
      await eventually(`customers accepts ${name}'s owner`, async () => {
        territory = await call('POST', '/api/v1/territories', { token: adminToken, body: { name, geometry, ownerId } });
        return territory.status !== 422 && territory.status !== 404;
      }, EVENTS_MS);
      expectStatus(territory!, 201, 'POST /api/v1/territories');
      expect(territory!.body).toMatchObject({ ownerId, orgPath: teamPath });
      territories.push(territory!.body);
    }
    for (const territory of territories) {
      const [created] = await events.waitFor(keyed(territory.id), 1, EVENTS_MS);
      expect(envelopeOf(created!)).toMatchObject({ type: 'fieldforce.customers.territory.created.v1', data: { territory: expect.objectContaining({ ownerId: territory.ownerId }) } });
    }

    type Plan = { moves: { customerId: string; toOwnerId: string }[]; applied: number | null; workload: { repId: string; after: { customers: number } }[] };
    // Reps are the users of a rep role: customers knows field_rep is one once its role event arrived.
    let dryRun: Answer<Plan> | undefined;
    await eventually('the dry run proposes a move for every customer', async () => {
      dryRun = await call<Plan>('POST', '/api/v1/customers/auto-assign', { token: adminToken, body: { strategy: 'territory', dryRun: true } });
      expectStatus(dryRun, 200, 'POST /api/v1/customers/auto-assign (dry run)');
      return dryRun.body.moves.length === customers.length;
    }, EVENTS_MS);
    const expected = customers.map((customer) => ({ customerId: customer.id, toOwnerId: ownerOf(customer) }));
    expect(dryRun!.body.applied).toBeNull();
    expect(dryRun!.body.moves).toEqual(expect.arrayContaining(expected.map((move) => expect.objectContaining(move))));
    expect(dryRun!.body.moves).toHaveLength(customers.length);
    expect(dryRun!.body.workload.map((entry) => [entry.repId, entry.after.customers]).sort()).toEqual([[wanda.id, 2], [xaver.id, 2]].sort());

    const applied = await call<Plan>('POST', '/api/v1/customers/auto-assign', { token: adminToken, body: { strategy: 'territory', dryRun: false } });
    expectStatus(applied, 200, 'POST /api/v1/customers/auto-assign');
    expect(applied.body.applied).toBe(customers.length);
    for (const customer of customers) {
      const read = await call<{ ownerId: string; orgPath: string; version: number }>('GET', `/api/v1/customers/${customer.id}`, { token: adminToken });
      expect(read.body).toMatchObject({ ownerId: ownerOf(customer), orgPath: teamPath, version: 2 });
      const [created, assigned] = await events.waitFor(keyed(customer.id), 2, EVENTS_MS);
      expect([typeOf(created!), typeOf(assigned!)]).toEqual(['fieldforce.customers.customer.created.v1', 'fieldforce.customers.customer.assigned.v1']);
      expect(envelopeOf(assigned!).data).toMatchObject({ customer: expect.objectContaining({ ownerId: ownerOf(customer), orgPath: teamPath }) });
    }
    // A second run has nothing left to move.
    const again = await call<Plan>('POST', '/api/v1/customers/auto-assign', { token: adminToken, body: { strategy: 'territory', dryRun: false } });
    expect(again.body).toMatchObject({ moves: [], applied: 0 });
  }, 90_000);

  step("plans a week from a template with a photo and a survey, each task going to its customer's new owner", async () => {
    const template = await call<{ id: string }>('POST', '/api/v1/visit-templates', {
      token: adminToken,
      body: {
        name: 'Weekly round with shelf check',
        grades: ['A', 'B'],
        frequency: { every: 1, unit: 'week' },
        expectedDurationMinutes: 30,
        geofenceRadiusMeters: 150,
        steps: [
          { key: 'arrive', type: 'check-in', required: true },
          { key: 'shelf', type: 'photo', required: true, minCount: 1 },
          {
            key: 'survey',
            type: 'form',
            required: true,
            fields: [
              { key: 'stock', type: 'number', required: true, min: 0 },
              { key: 'mood', type: 'single-choice', required: false, options: ['good', 'bad'] },
            ],
          },
          { key: 'leave', type: 'check-out', required: true },
        ],
      },
    });
    expectStatus(template, 201, 'POST /api/v1/visit-templates');

    const today = new Date();
    week = { from: isoDay(today), to: isoDay(new Date(today.getTime() + 6 * DAY_MS)) };
    // visits learns the owners from the assigned events; generating again only skips what is planned.
    await eventually('the plan covers every customer, each with its new owner', async () => {
      const generated = await call('POST', '/api/v1/visit-plans/generate', { token: adminToken, body: week });
      expectStatus(generated, 200, 'POST /api/v1/visit-plans/generate');
      const listed = await call<{ items: Task[] }>('GET', '/api/v1/visit-tasks?limit=200', { token: adminToken });
      tasks = listed.body.items;
      return customers.every((customer) => tasks.some((task) => task.customerId === customer.id && task.assigneeId === ownerOf(customer)));
    }, EVENTS_MS);
    for (const task of tasks) expect(task.assigneeId).toBe(ownerOf(customers.find((customer) => customer.id === task.customerId)!));
    const planned = await events.waitFor((record) => tasks.some((task) => task.id === record.key), tasks.length, EVENTS_MS);
    expect(new Set(planned.map(typeOf))).toEqual(new Set(['fieldforce.visits.task.planned.v1']));
  }, 90_000);

  step('hides what the rep role may not read in REST reads and the pull, and refuses writing what it may not write with 403 naming the field', async () => {
    // customers enforces the role once its role.created event arrived: until then the role grants nothing.
    let read: Answer<Record<string, unknown>> | undefined;
    await eventually('customers knows the field_rep role', async () => {
      read = await call('GET', `/api/v1/customers/${apotheke.id}`, { token: wanda.token });
      return read.status === 200;
    }, EVENTS_MS);
    expect(read!.body).toMatchObject({ id: apotheke.id, name: apotheke.name, grade: 'A', ownerId: wanda.id });
    expect(read!.body).not.toHaveProperty('creditLimit');
    const listed = await call<{ items: Record<string, unknown>[] }>('GET', '/api/v1/customers?limit=50', { token: wanda.token });
    expect(listed.body.items.map((customer) => customer.id).sort()).toEqual([apotheke.id, kiosk.id].sort());
    for (const customer of listed.body.items) expect(customer).not.toHaveProperty('creditLimit');
    // The supervisor's role reads it.
    const supervised = await call<{ creditLimit: number }>('GET', `/api/v1/customers/${apotheke.id}`, { token: supervisorToken });
    expect(supervised.body.creditLimit).toBe(apotheke.creditLimit);

    const version = Number(read!.headers.get('etag')?.replaceAll('"', ''));
    for (const [field, value] of [['grade', 'B'], ['creditLimit', 99_000]] as const) {
      const refused = await call<Problem>('PATCH', `/api/v1/customers/${apotheke.id}`, {
        token: wanda.token,
        headers: { 'if-match': `"${version}"` },
        body: { name: 'Apotheke Nord (neu)', [field]: value },
      });
      expect(refused.status).toBe(403);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
      expect(refused.body).toMatchObject({ code: 'AUTH_FIELDS_NOT_WRITABLE', errors: [expect.objectContaining({ field })] });
    }
    const unchanged = await call<{ name: string; grade: string; version: number }>('GET', `/api/v1/customers/${apotheke.id}`, { token: supervisorToken });
    expect(unchanged.body).toMatchObject({ name: apotheke.name, grade: 'A', version });

    // sync masks the pull by the same role, once its own copy of the role arrived.
    let pulled: SyncChange[] = [];
    await eventually("wanda's feed holds her customers, tasks and template", async () => {
      const page = await call('GET', `/api/v1/sync/pull?clientId=${wanda.clientId}&limit=1`, { token: wanda.token });
      if (page.status !== 200) return false;
      const all = await pullAll(wanda, '');
      pulled = all.changes;
      wanda.cursor = all.cursor;
      return customers.filter((customer) => ownerOf(customer) === wanda.id).every((customer) => pulled.some((change) => change.id === customer.id))
        && pulled.some((change) => change.entity === 'visit-template')
        && pulled.filter((change) => change.entity === 'visit-task').length === tasks.filter((task) => task.assigneeId === wanda.id).length;
    }, EVENTS_MS);
    const pulledCustomers = pulled.filter((change) => change.entity === 'customer');
    expect(pulledCustomers.map((change) => change.id).sort()).toEqual([apotheke.id, kiosk.id].sort());
    for (const change of pulledCustomers) {
      expect(change.data).toMatchObject({ grade: expect.any(String) });
      expect(change.data).not.toHaveProperty('creditLimit');
    }
    // xaver syncs too before he goes offline: his copy is the base of his offline edits.
    await eventually("xaver's feed holds his customers", async () => {
      const page = await call('GET', `/api/v1/sync/pull?clientId=${xaver.clientId}&limit=1`, { token: xaver.token });
      if (page.status !== 200) return false;
      const all = await pullAll(xaver, '');
      xaver.cursor = all.cursor;
      return [baeckerei, spaeti].every((customer) => all.changes.some((change) => change.id === customer.id));
    }, EVENTS_MS);
  }, 120_000);

  step('applies a changed role policy without a restart: role.updated reaches customers and sync, and the rep reads the credit limit', async () => {
    const updated = await call<{ version: number; fieldRules: unknown }>('PATCH', `/api/v1/roles/${roleId}`, {
      token: adminToken,
      headers: { 'if-match': '"1"' },
      body: { fieldRules: { customer: { unreadable: [], unwritable: ['grade'] } } },
    });
    expectStatus(updated, 200, 'PATCH /api/v1/roles/:id');
    expect(updated.body).toMatchObject({ version: 2, fieldRules: { customer: { unreadable: [], unwritable: ['grade'] } } });
    const [event] = await events.waitFor(eventOf(roleId, 'fieldforce.permissions.role.updated.v1'), 1, EVENTS_MS);
    expect(envelopeOf(event!).data).toMatchObject({ role: expect.objectContaining({ version: 2 }), changedFields: ['fieldRules'] });

    await eventually('customers applies the new field rules', async () => {
      const read = await call<{ creditLimit?: number }>('GET', `/api/v1/customers/${apotheke.id}`, { token: wanda.token });
      return read.body.creditLimit === apotheke.creditLimit;
    }, EVENTS_MS);
    // The masking changed under the device: its next pull sends its customers again, now with the credit limit.
    await eventually('the pull sends the customers again, unmasked', async () => {
      const { changes } = await pullAll(wanda, wanda.cursor);
      const upserts = changes.filter((change) => change.entity === 'customer' && change.op === 'upsert');
      return [apotheke, kiosk].every((customer) => upserts.some((change) => change.id === customer.id && change.data?.creditLimit === customer.creditLimit));
    }, EVENTS_MS);
    // Grades stay not writable.
    const read = await call('GET', `/api/v1/customers/${kiosk.id}`, { token: wanda.token });
    const regrade = await call<Problem>('PATCH', `/api/v1/customers/${kiosk.id}`, { token: wanda.token, headers: { 'if-match': read.headers.get('etag') ?? '' }, body: { grade: 'A' } });
    expect(regrade.status).toBe(403);
    expect(regrade.body).toMatchObject({ code: 'AUTH_FIELDS_NOT_WRITABLE', errors: [expect.objectContaining({ field: 'grade' })] });
  }, 90_000);

  step("records wanda's genuine and spoofed check-ins and both reps' tracks, and the genuine one starts its task", async () => {
    // checkins learns customer locations from the customer events: without them every check-in is flagged as unknown.
    await eventually('checkins knows the customer locations', async () => {
      const known = await database.query('SELECT id FROM checkins.customers WHERE tenant_id = $1 AND lat IS NOT NULL', [tenantId]);
      return known.rowCount === customers.length;
    }, EVENTS_MS);
    const now = Date.now();
    const track = (rep: typeof wanda, at: { lat: number; lng: number }) =>
      call<{ accepted: number; rejected: unknown[] }>('POST', '/api/v1/trajectories/points', {
        token: rep.token,
        body: {
          deviceId: `device-${rep === wanda ? 'wanda' : 'xaver'}`,
          points: Array.from({ length: 4 }, (_, index) => ({
            seq: index + 1,
            lat: at.lat + index * 0.0001,
            lng: at.lng,
            accuracyM: 10,
            capturedAt: new Date(now - (5 - index) * 60_000).toISOString(),
          })),
        },
      });
    let tracked: Answer<{ accepted: number; rejected: unknown[] }> | undefined;
    await eventually('checkins knows the field_rep role', async () => {
      tracked = await track(wanda, apotheke.location);
      return tracked.status === 200;
    }, EVENTS_MS);
    expect(tracked!.body).toMatchObject({ accepted: 4, rejected: [] });
    expect((await track(xaver, spaeti.location)).body).toMatchObject({ accepted: 4, rejected: [] });

    genuine = { id: randomUUID(), capturedAt: new Date(now - 60_000).toISOString() };
    const recorded = await call<CheckIn>('POST', '/api/v1/check-ins', {
      token: wanda.token,
      body: {
        id: genuine.id,
        customerId: apotheke.id,
        taskId: taskAt(apotheke).id,
        deviceId: 'device-wanda',
        point: { ...nearby(apotheke.location), accuracyM: 8, capturedAt: genuine.capturedAt, provider: 'gps', isMock: false },
      },
    });
    expectStatus(recorded, 201, 'POST /api/v1/check-ins (genuine)');
    expect(recorded.body).toMatchObject({ status: 'verified', reasons: [], checkOut: null, durationS: null });

    spoofedId = randomUUID();
    const spoofed = await call<CheckIn>('POST', '/api/v1/check-ins', {
      token: wanda.token,
      body: {
        id: spoofedId,
        customerId: kiosk.id,
        deviceId: 'device-wanda',
        // At the kiosk, claims the device, from ~60 km away with a mock provider.
        point: { lat: 52.0, lng: 13.3, accuracyM: 5, capturedAt: new Date(now - 30_000).toISOString(), provider: 'gps', isMock: true },
      },
    });
    expectStatus(spoofed, 201, 'POST /api/v1/check-ins (spoofed)');
    expect(spoofed.body.status).toBe('flagged');
    expect(spoofed.body.reasons).toEqual(expect.arrayContaining(['MOCK_LOCATION', 'OUTSIDE_GEOFENCE']));

    const recordedEvents = await events.waitFor((record) => record.key === genuine.id || record.key === spoofedId, 2, EVENTS_MS);
    expect(recordedEvents.map(typeOf)).toEqual(['fieldforce.checkins.check-in.recorded.v1', 'fieldforce.checkins.check-in.recorded.v1']);
    await events.waitFor(eventOf(taskAt(apotheke).id, 'fieldforce.visits.task.started.v1'), 1, EVENTS_MS);
    const task = await call<Task>('GET', `/api/v1/visit-tasks/${taskAt(apotheke).id}`, { token: wanda.token });
    expect(task.body).toMatchObject({ status: 'in_progress', assigneeId: wanda.id });
  }, 90_000);

  step('refuses a report whose photo upload was cut midway, resumes the upload from the offset HEAD reports, and takes the report with it', async () => {
    const task = taskAt(apotheke);
    const bytes = randomBytes(256 * 1024);
    const meta = [
      ['clientUploadId', `shelf-${randomUUID()}`],
      ['sha256', sha256(bytes, 'hex')],
      ['contentType', 'image/jpeg'],
      ['entity', 'visit-task'],
      ['entityId', task.id],
    ].map(([key, value]) => `${key} ${Buffer.from(value!).toString('base64')}`);
    const created = await tus('POST', '/api/v1/uploads', wanda.token, { 'upload-length': String(bytes.length), 'upload-metadata': meta.join(',') });
    expect(created.status).toBe(201);
    const location = created.headers.get('location') ?? '';
    expect(location).toMatch(/^\/api\/v1\/uploads\/[0-9a-f-]{36}$/);
    photo = { id: location.split('/').pop()!, location, bytes };

    // The connection drops halfway through the photo: the body announces the whole file, half of it is sent.
    const sent = bytes.length / 2;
    await new Promise<void>((resolve) => {
      const request = http.request(platform.gatewayUrl + location, {
        method: 'PATCH',
        headers: { ...TUS, authorization: `Bearer ${wanda.token}`, 'content-type': OCTETS, 'upload-offset': '0', 'content-length': String(bytes.length) },
      });
      request.on('error', () => resolve());
      request.on('response', (response) => {
        response.resume();
        resolve();
      });
      request.write(bytes.subarray(0, sent), () => setTimeout(() => request.destroy(), 300));
    });
    // What arrived is kept: HEAD and the sync status tell the app where to go on.
    let offset = -1;
    await eventually('HEAD and the sync status agree on what arrived of the photo', async () => {
      const head = await tus('HEAD', location, wanda.token);
      if (head.status !== 200) return false;
      offset = Number(head.headers.get('upload-offset'));
      const status = await call<{ uploads: { id: string; offset: number; size: number }[] }>('GET', `/api/v1/sync/status?clientId=${wanda.clientId}`, { token: wanda.token });
      return offset > 0 && status.body.uploads?.some((upload) => upload.id === photo.id && upload.offset === offset && upload.size === bytes.length) === true;
    }, EVENTS_MS);
    expect(offset).toBeLessThanOrEqual(sent);

    const answers = { shelf: { photoUploadIds: [photo.id] }, survey: { values: { stock: 120, mood: 'good' } } };
    const early = await call<Problem>('POST', `/api/v1/visit-tasks/${task.id}/report`, { token: wanda.token, body: { answers } });
    expect(early.status).toBe(422);
    expect(early.body).toMatchObject({ code: 'ATTACHED_UPLOAD_INCOMPLETE', errors: [expect.objectContaining({ field: 'answers.shelf.photoUploadIds.0' })] });
    expect((await call('GET', `/api/v1/visit-tasks/${task.id}/report`, { token: wanda.token })).status).toBe(404);

    // Resumed from the offset with the chunk's checksum; a late write of the cut request moves the offset, so ask again then.
    await eventually('the photo upload completes from the offset HEAD reports', async () => {
      const head = await tus('HEAD', location, wanda.token);
      if (head.status !== 200) return false;
      const from = Number(head.headers.get('upload-offset'));
      const rest = bytes.subarray(from);
      const patched = await tus(
        'PATCH',
        location,
        wanda.token,
        { 'content-type': OCTETS, 'upload-offset': String(from), 'upload-checksum': `sha256 ${sha256(rest, 'base64')}` },
        rest,
      );
      if (patched.status === 409 || patched.status === 423) return false;
      expect(patched.status).toBe(204);
      expect(patched.headers.get('upload-offset')).toBe(String(bytes.length));
      return true;
    }, EVENTS_MS);

    const report = await call<{ id: string; taskId: string; answers: unknown; submittedBy: string }>('POST', `/api/v1/visit-tasks/${task.id}/report`, { token: wanda.token, body: { answers } });
    expectStatus(report, 201, 'POST /api/v1/visit-tasks/:id/report');
    expect(report.body).toMatchObject({ taskId: task.id, submittedBy: wanda.id, answers });
    const [reported] = await events.waitFor(eventOf(task.id, 'fieldforce.visits.task.reported.v1'), 1, EVENTS_MS);
    expect(envelopeOf(reported!).data).toMatchObject({ report: expect.objectContaining({ id: report.body.id, answers }), task: expect.objectContaining({ status: 'in_progress' }) });
    // Not checked out yet: the task stays in progress.
    expect((await call<Task>('GET', `/api/v1/visit-tasks/${task.id}`, { token: wanda.token })).body.status).toBe('in_progress');
  }, 120_000);

  step('checks out the genuine check-in with its duration, which completes the reported task', async () => {
    const task = taskAt(apotheke);
    const capturedAt = new Date().toISOString();
    const checkedOut = await call<CheckIn>('POST', `/api/v1/check-ins/${genuine.id}/check-out`, {
      token: wanda.token,
      body: { point: { ...nearby(apotheke.location), accuracyM: 9, capturedAt, provider: 'gps', isMock: false } },
    });
    expectStatus(checkedOut, 200, 'POST /api/v1/check-ins/:id/check-out');
    expect(checkedOut.body).toMatchObject({
      id: genuine.id,
      status: 'verified',
      durationS: Math.round((Date.parse(capturedAt) - Date.parse(genuine.capturedAt)) / 1000),
      checkOut: expect.objectContaining({ point: expect.objectContaining({ capturedAt }) }),
    });
    const [out] = await events.waitFor(eventOf(genuine.id, 'fieldforce.checkins.check-in.checked-out.v1'), 1, EVENTS_MS);
    expect(envelopeOf(out!).data).toMatchObject({ checkIn: expect.objectContaining({ durationS: checkedOut.body.durationS }) });

    const [completed] = await events.waitFor(eventOf(task.id, 'fieldforce.visits.task.completed.v1'), 1, EVENTS_MS);
    expect(envelopeOf(completed!).data).toMatchObject({ task: expect.objectContaining({ status: 'completed', assigneeId: wanda.id }) });
    const read = await call<Task>('GET', `/api/v1/visit-tasks/${task.id}`, { token: supervisorToken });
    expect(read.body.status).toBe('completed');
    const byType = events.records.filter(keyed(task.id)).map(typeOf);
    expect(byType.indexOf('fieldforce.visits.task.reported.v1')).toBeLessThan(byType.indexOf('fieldforce.visits.task.completed.v1'));
  }, 60_000);

  step("applies xaver's offline queue — an edit, a new customer, a refused regrade, a check-in and its check-out — against the supervisor's concurrent edit", async () => {
    // xaver's copy from before he went offline.
    const base = await call<{ name: string; address: string; version: number }>('GET', `/api/v1/customers/${baeckerei.id}`, { token: xaver.token });
    const spaetiBase = await call<{ version: number; grade: string }>('GET', `/api/v1/customers/${spaeti.id}`, { token: xaver.token });
    // Meanwhile the supervisor corrects the address over REST.
    const edited = await call<{ version: number }>('PATCH', `/api/v1/customers/${baeckerei.id}`, {
      token: supervisorToken,
      headers: { 'if-match': `"${base.body.version}"` },
      body: { address: 'Karl-Marx-Straße 92' },
    });
    expectStatus(edited, 200, 'PATCH /api/v1/customers/:id (supervisor)');

    const now = Date.now();
    offlineCheckInId = randomUUID();
    offlineCustomerId = randomUUID();
    const checkInAt = new Date(now - 30 * 60_000).toISOString();
    const checkOutAt = new Date(now - 18 * 60_000).toISOString();
    const point = (capturedAt: string) => ({ ...nearby(spaeti.location), accuracyM: 12, capturedAt, provider: 'fused', isMock: false });
    const pushed = await call<{ results: PushResult[] }>('POST', '/api/v1/sync/push', {
      token: xaver.token,
      body: {
        clientId: xaver.clientId,
        mutations: [
          {
            mutationId: 1,
            entity: 'customer',
            entityId: baeckerei.id,
            op: 'update',
            baseVersion: base.body.version,
            base: { name: base.body.name, address: base.body.address },
            changes: { name: 'Bäckerei Süd am Markt', address: 'Karl-Marx-Straße 9' },
          },
          {
            mutationId: 2,
            entity: 'customer',
            entityId: offlineCustomerId,
            op: 'create',
            baseVersion: 0,
            base: {},
            changes: { name: 'Blumen Britz', location: { lat: 52.45, lng: 13.43 }, address: 'Britzer Damm 1' },
          },
          { mutationId: 3, entity: 'customer', entityId: spaeti.id, op: 'update', baseVersion: spaetiBase.body.version, base: { grade: 'B' }, changes: { grade: 'A' } },
          {
            mutationId: 4,
            entity: 'check-in',
            entityId: offlineCheckInId,
            op: 'create',
            baseVersion: 0,
            base: {},
            changes: { customerId: spaeti.id, taskId: taskAt(spaeti).id, deviceId: 'device-xaver', point: point(checkInAt) },
          },
          { mutationId: 5, entity: 'check-in', entityId: offlineCheckInId, op: 'update', baseVersion: 1, base: {}, changes: { checkOut: { point: point(checkOutAt) } } },
        ],
      },
    });
    expectStatus(pushed, 200, 'POST /api/v1/sync/push');
    const [edit, create, regrade, checkIn, checkOut] = pushed.body.results;
    // The address both changed goes to the stronger role (the supervisor's); the name only xaver changed is his.
    expect(edit).toMatchObject({ mutationId: 1, status: 'merged', data: expect.objectContaining({ name: 'Bäckerei Süd am Markt', address: 'Karl-Marx-Straße 92' }) });
    expect(edit?.conflicts).toEqual([
      expect.objectContaining({ field: 'address', base: baeckerei.address, server: 'Karl-Marx-Straße 92', client: 'Karl-Marx-Straße 9', winner: 'server', rule: 'rank' }),
    ]);
    expect(create).toMatchObject({ mutationId: 2, status: 'applied', version: 1, data: expect.objectContaining({ id: offlineCustomerId, ownerId: xaver.id, orgPath: teamPath }) });
    expect(regrade).toMatchObject({ mutationId: 3, status: 'rejected', problem: expect.objectContaining({ status: 403, code: 'AUTH_FIELDS_NOT_WRITABLE' }) });
    expect(JSON.stringify(regrade?.problem?.errors)).toContain('grade');
    expect(checkIn).toMatchObject({ mutationId: 4, status: 'applied', data: expect.objectContaining({ id: offlineCheckInId, offline: true, status: 'verified' }) });
    expect(checkOut).toMatchObject({
      mutationId: 5,
      status: 'applied',
      data: expect.objectContaining({ id: offlineCheckInId, durationS: Math.round((Date.parse(checkOutAt) - Date.parse(checkInAt)) / 1000) }),
    });

    // The owners' state and events.
    const spaetiAfter = await call<{ grade: string; version: number }>('GET', `/api/v1/customers/${spaeti.id}`, { token: supervisorToken });
    expect(spaetiAfter.body).toMatchObject({ grade: 'B', version: spaetiBase.body.version });
    const stored = await call<CheckIn>('GET', `/api/v1/check-ins/${offlineCheckInId}`, { token: supervisorToken });
    expect(stored.body).toMatchObject({ userId: xaver.id, offline: true, status: 'verified' });
    expect(stored.body.reasons).toContain('DELAYED_UPLOAD');
    const customerOf = (record: CollectedRecord) => envelopeOf(record).data.customer as { name: string; address: string };
    const [merged] = await events.waitFor(
      (record) => eventOf(baeckerei.id, 'fieldforce.customers.customer.updated.v1')(record) && customerOf(record).name === 'Bäckerei Süd am Markt',
      1,
      EVENTS_MS,
    );
    expect(customerOf(merged!).address).toBe('Karl-Marx-Straße 92');
    await events.waitFor(eventOf(offlineCustomerId, 'fieldforce.customers.customer.created.v1'), 1, EVENTS_MS);
    const checkInEvents = await events.waitFor(keyed(offlineCheckInId), 2, EVENTS_MS);
    expect(checkInEvents.map(typeOf)).toEqual(['fieldforce.checkins.check-in.recorded.v1', 'fieldforce.checkins.check-in.checked-out.v1']);
    // The check-in started the task; its report is missing, so the check-out does not complete it.
    await events.waitFor(eventOf(taskAt(spaeti).id, 'fieldforce.visits.task.started.v1'), 1, EVENTS_MS);
    expect((await call<Task>('GET', `/api/v1/visit-tasks/${taskAt(spaeti).id}`, { token: xaver.token })).body.status).toBe('in_progress');
    // A replayed push answers the stored results and applies nothing again.
    const replayed = await call<{ results: PushResult[] }>('POST', '/api/v1/sync/push', {
      token: xaver.token,
      body: { clientId: xaver.clientId, mutations: [{ mutationId: 5, entity: 'check-in', entityId: offlineCheckInId, op: 'update', baseVersion: 1, base: {}, changes: { checkOut: { point: point(checkOutAt) } } }] },
    });
    expect(replayed.body.results).toEqual([checkOut]);

    // Back online, the device's pull brings what the owners made of its queue.
    await eventually("xaver's pull holds the merged edit, his new customer and his check-in", async () => {
      const { changes } = await pullAll(xaver, xaver.cursor);
      return changes.some((change) => change.id === baeckerei.id && change.data?.name === 'Bäckerei Süd am Markt' && change.data?.address === 'Karl-Marx-Straße 92')
        && changes.some((change) => change.id === offlineCustomerId && change.op === 'upsert')
        && changes.some((change) => change.entity === 'check-in' && change.id === offlineCheckInId && change.data?.checkOut !== null);
    }, EVENTS_MS);
  }, 120_000);

  step('shows the supervisor the flagged check-in to review, the visit photo, coverage, and live positions by org unit and near a place', async () => {
    const flagged = await call<{ items: CheckIn[] }>('GET', '/api/v1/check-ins?status=flagged', { token: supervisorToken });
    expectStatus(flagged, 200, 'GET /api/v1/check-ins?status=flagged');
    expect(flagged.body.items.map((checkIn) => checkIn.id)).toEqual([spoofedId]);
    const reviewed = await call<CheckIn>('POST', `/api/v1/check-ins/${spoofedId}/review`, {
      token: supervisorToken,
      body: { decision: 'rejected', note: 'Mock location, 60 km from the kiosk.' },
    });
    expectStatus(reviewed, 200, 'POST /api/v1/check-ins/:id/review');
    expect(reviewed.body).toMatchObject({ status: 'rejected', review: expect.objectContaining({ decision: 'rejected', reviewerId: supervisorId }) });
    const [event] = await events.waitFor(eventOf(spoofedId, 'fieldforce.checkins.check-in.reviewed.v1'), 1, EVENTS_MS);
    expect(envelopeOf(event!).data).toMatchObject({ checkIn: expect.objectContaining({ status: 'rejected' }) });
    expect((await call<{ items: CheckIn[] }>('GET', '/api/v1/check-ins?status=flagged', { token: supervisorToken })).body.items).toEqual([]);
    // Reviewing is the supervisor's: a rep may not, not even to approve their own.
    expect((await call('POST', `/api/v1/check-ins/${spoofedId}/review`, { token: wanda.token, body: { decision: 'approved', note: 'me' } })).status).toBe(403);

    // The report's photo, as sync verified it, is the supervisor's to see.
    const content = await fetch(`${platform.gatewayUrl}${photo.location}/content`, { headers: { authorization: `Bearer ${supervisorToken}` } });
    expect(content.status).toBe(200);
    expect(content.headers.get('etag')).toBe(`"${sha256(photo.bytes, 'hex')}"`);
    expect(Buffer.from(await content.arrayBuffer()).equals(photo.bytes)).toBe(true);

    // Coverage of the team's week (a day either side: the tenant's calendar day may differ from UTC's).
    const period = { from: isoDay(new Date(Date.parse(week.from) - DAY_MS)), to: isoDay(new Date(Date.parse(week.to) + DAY_MS)) };
    const tasksOf = (repId: string) => tasks.filter((task) => task.assigneeId === repId).length;
    let report: { reps: (Coverage & { userId: string | null })[]; orgUnits: (Coverage & { orgUnitId: string | null; reps: number })[] } | undefined;
    await eventually('coverage counts the completed visit, the offline check-in and the review', async () => {
      const answer = await call<NonNullable<typeof report>>('GET', `/api/v1/reports/coverage?from=${period.from}&to=${period.to}&orgUnitId=${teamId}`, { token: supervisorToken });
      expectStatus(answer, 200, 'GET /api/v1/reports/coverage');
      report = answer.body;
      const row = (id: string) => report!.reps.find((rep) => rep.userId === id);
      // The rejected check-in at the kiosk no longer counts as a visit.
      return row(wanda.id)?.tasksCompleted === 1 && row(wanda.id)?.customersVisited === 1 && row(xaver.id)?.checkIns === 1;
    }, EVENTS_MS);
    expect(report!.reps.find((rep) => rep.userId === wanda.id)).toMatchObject({
      customersDue: 2,
      customersVisited: 1,
      coveragePercent: 50,
      tasksDue: tasksOf(wanda.id),
      tasksCompleted: 1,
      checkIns: 2,
      checkInsFlagged: 1,
    });
    expect(report!.reps.find((rep) => rep.userId === xaver.id)).toMatchObject({
      customersDue: 2,
      customersVisited: 1,
      tasksDue: tasksOf(xaver.id),
      tasksCompleted: 0,
      checkIns: 1,
      checkInsFlagged: 0,
    });
    expect(report!.orgUnits.find((unit) => unit.orgUnitId === teamId)).toMatchObject({ reps: 2, customersDue: 4, customersVisited: 2, tasksCompleted: 1, checkIns: 3, checkInsFlagged: 1 });

    // The live map: the team's reps where their tracks last were, and who is near the pharmacy.
    type Positions = { items: { userId: string; lat: number; lng: number; distanceM?: number }[] };
    let team: Answer<Positions> | undefined;
    await eventually("checkins knows the team's org unit and its reps", async () => {
      team = await call<Positions>('GET', `/api/v1/live-positions?orgUnitId=${teamId}`, { token: supervisorToken });
      return team.status === 200 && team.body.items.length === 2;
    }, EVENTS_MS);
    const at = (userId: string) => team!.body.items.find((position) => position.userId === userId);
    expect(at(wanda.id)).toMatchObject({ lat: expect.closeTo(apotheke.location.lat + 0.0003, 6), lng: expect.closeTo(apotheke.location.lng, 6) });
    expect(at(xaver.id)).toMatchObject({ lat: expect.closeTo(spaeti.location.lat + 0.0003, 6), lng: expect.closeTo(spaeti.location.lng, 6) });
    const near = await call<Positions>('GET', `/api/v1/live-positions?near=${apotheke.location.lat},${apotheke.location.lng}&radiusM=2000`, { token: supervisorToken });
    expectStatus(near, 200, 'GET /api/v1/live-positions?near=');
    expect(near.body.items).toEqual([expect.objectContaining({ userId: wanda.id, distanceM: expect.any(Number) })]);
    expect(near.body.items[0]!.distanceM).toBeLessThan(100);
    const wide = await call<Positions>('GET', `/api/v1/live-positions?near=${apotheke.location.lat},${apotheke.location.lng}&radiusM=20000`, { token: supervisorToken });
    expect(wide.body.items.map((position) => position.userId)).toEqual([wanda.id, xaver.id]);
    // A rep sees only themselves.
    const own = await call<Positions>('GET', '/api/v1/live-positions', { token: xaver.token });
    expect(own.body.items.map((position) => position.userId)).toEqual([xaver.id]);
  }, 120_000);
});
