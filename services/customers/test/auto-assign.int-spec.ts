import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { workloadWeight } from '../src/modules/assignment/assignment-strategies';
import { AssignmentService } from '../src/modules/assignment/assignment.service';
import { distanceMeters } from '../src/modules/geo/geo';
import { type City, generateCity } from './factories/city.factory';
import { insertCustomers } from './factories/customer.factory';
import { squarePolygon } from './factories/territory.factory';
import { orgUnitState, userState } from './factories/user.factory';
import { type CustomersTestApp, startCustomersTestApp } from './support/customers-test-app';
import { seedOrgUnits, seedRoles, seedUsers } from './support/users';

interface Plan {
  moves: { customerId: string; fromOwnerId: string | null; toOwnerId: string }[];
  workload: { repId: string; before: { customers: number; weight: number }; after: { customers: number; weight: number } }[];
  spread: { before: number; after: number };
  applied: number | null;
}

/** A territory in the test: an axis-aligned square, so containment is easy to check independently. */
interface Area {
  lng: number;
  lat: number;
  size: number;
}

/** A rep's square territory. */
interface Square extends Area {
  ownerId: string;
}

const CITY_SIZE = 3_000;

describe(`${AssignmentService.name} auto-assignment on a generated city`, () => {
  let service: CustomersTestApp;
  let plainService: CustomersTestApp;
  let dataSource: DataSource;

  beforeAll(async () => {
    service = await startCustomersTestApp();
    plainService = await startCustomersTestApp({ env: { SPATIAL_BACKEND: 'plain' }, jwks: service.jwks });
    dataSource = service.app.get(DataSource);
  });

  afterAll(async () => {
    await plainService?.close();
    await service?.close();
  });

  async function buildCity(seed: number): Promise<City & { admin: string }> {
    const city = generateCity(CITY_SIZE, seed);
    await seedUsers(service.app, city.reps);
    await insertCustomers(dataSource, city.customers);
    return { ...city, admin: await service.jwks.sign({ tid: city.tenantId, roles: ['admin'], org: 'hq' }) };
  }

  const post = (token: string, url: string, payload: object, app = service) =>
    app.app.inject({ method: 'POST', url: `/api/v1${url}`, headers: { authorization: `Bearer ${token}` }, payload });

  async function autoAssign(token: string, payload: object, app = service): Promise<Plan> {
    const response = await post(token, '/customers/auto-assign', payload, app);
    expect(response.statusCode).toBe(200);
    return response.json();
  }

  async function addSquares(city: City & { admin: string }, squares: Square[]): Promise<void> {
    for (const square of squares) {
      const response = await post(city.admin, '/territories', { name: 'Square', geometry: squarePolygon(square.lng, square.lat, square.size), ownerId: square.ownerId });
      expect(response.statusCode).toBe(201);
    }
  }

  const ownersOf = async (tenantId: string): Promise<Map<string, string>> => {
    const rows = await dataSource.query<{ id: string; owner_id: string }[]>('SELECT id, owner_id FROM customers.customers WHERE tenant_id = $1', [tenantId]);
    return new Map(rows.map((row) => [row.id, row.owner_id]));
  };
  const assignedEvents = async (tenantId: string): Promise<number> => {
    const [row] = await dataSource.query<{ count: string }[]>(
      `SELECT count(*) FROM customers.outbox WHERE event_type = 'fieldforce.customers.customer.assigned.v1' AND payload->>'tenantid' = $1`,
      [tenantId],
    );
    return Number(row!.count);
  };
  const inSquare = (square: Area, point: { lat: number; lng: number }) =>
    point.lng > square.lng && point.lng < square.lng + square.size && point.lat > square.lat && point.lat < square.lat + square.size;

  it('territory: every customer inside a rep territory ends with its rep (the smaller one where two overlap); the others keep theirs; a dry run changes nothing', async () => {
    const city = await buildCity(1);
    const squares: Square[] = [
      { ownerId: city.reps[1]!.id, lng: 13.05, lat: 52.35, size: 0.15 },
      { ownerId: city.reps[2]!.id, lng: 13.45, lat: 52.35, size: 0.2 },
      { ownerId: city.reps[3]!.id, lng: 13.1, lat: 52.5, size: 0.12 },
      { ownerId: city.reps[4]!.id, lng: 13.5, lat: 52.52, size: 0.1 },
    ];
    await addSquares(city, squares);
    const before = await ownersOf(city.tenantId);

    const dryRun = await autoAssign(city.admin, { strategy: 'territory', scope: 'city', dryRun: true });
    expect(dryRun.applied).toBeNull();
    expect(await ownersOf(city.tenantId)).toEqual(before);
    expect(await assignedEvents(city.tenantId)).toBe(0);

    const applied = await autoAssign(city.admin, { strategy: 'territory', scope: 'city', dryRun: false });
    const after = await ownersOf(city.tenantId);
    let inside = 0;
    for (const customer of city.customers) {
      const square = squares.filter((candidate) => inSquare(candidate, customer)).sort((a, b) => a.size - b.size)[0];
      if (square) inside += 1;
      expect(after.get(customer.id)).toBe(square ? square.ownerId : customer.ownerId);
    }
    expect(inside).toBeGreaterThan(300);
    expect(city.customers.some((customer) => squares.filter((candidate) => inSquare(candidate, customer)).length > 1)).toBe(true);
    expect(applied.moves).toEqual(dryRun.moves);
    expect(applied.applied).toBe(applied.moves.length);
    expect(await assignedEvents(city.tenantId)).toBe(applied.moves.length);
    // Applied twice, the second run has nothing left to move.
    expect((await autoAssign(city.admin, { strategy: 'territory', scope: 'city', dryRun: false })).moves).toEqual([]);
  });

  it('nearest: every located customer ends with the rep whose home base is closest', async () => {
    const city = await buildCity(2);
    const bases = city.reps.map((rep, index) => ({ rep: rep.id, lat: 52.35 + (index % 3) * 0.15, lng: 13.1 + Math.floor(index / 3) * 0.5 }));
    for (const base of bases) {
      const response = await service.app.inject({
        method: 'PUT',
        url: `/api/v1/customers/reps/${base.rep}/home-base`,
        headers: { authorization: `Bearer ${city.admin}` },
        payload: { lat: base.lat, lng: base.lng },
      });
      expect(response.statusCode).toBe(200);
    }

    await autoAssign(city.admin, { strategy: 'nearest', scope: 'city', dryRun: false });

    const after = await ownersOf(city.tenantId);
    for (const customer of city.customers) {
      const nearest = [...bases].sort((a, b) => distanceMeters(customer, a) - distanceMeters(customer, b))[0]!;
      expect(after.get(customer.id)).toBe(nearest.rep);
    }
  });

  it('balanced: the weighted workloads end within one A-grade customer (4 visits/month) of each other, as the dry run proposed', async () => {
    const city = await buildCity(3);
    const dryRun = await autoAssign(city.admin, { strategy: 'balanced', scope: 'city', dryRun: true });
    expect(dryRun.spread.before).toBeGreaterThan(100);
    expect(dryRun.spread.after).toBeLessThanOrEqual(workloadWeight('A'));

    const applied = await autoAssign(city.admin, { strategy: 'balanced', scope: 'city', dryRun: false });

    expect(applied.moves).toEqual(dryRun.moves);
    const after = await ownersOf(city.tenantId);
    const load = new Map(city.reps.map((rep) => [rep.id, 0]));
    for (const customer of city.customers) load.set(after.get(customer.id)!, load.get(after.get(customer.id)!)! + workloadWeight(customer.grade));
    expect(Math.max(...load.values()) - Math.min(...load.values())).toBeLessThanOrEqual(workloadWeight('A'));
    expect([...load.values()]).toEqual(applied.workload.map((entry) => entry.after.weight));
  });

  it("balanced: respects territories — a rep territory's customers stay with its rep, an org unit's with the unit's reps", async () => {
    const city = await buildCity(4);
    const square: Square = { ownerId: city.reps[0]!.id, lng: 13.05, lat: 52.35, size: 0.1 };
    await addSquares(city, [square]);
    const unitId = randomUUID();
    await seedOrgUnits(service.app, [orgUnitState({ id: unitId, tenantId: city.tenantId, path: 'city.team2' })]);
    const unitSquare = { lng: 13.5, lat: 52.5, size: 0.2 };
    const unitTerritory = await post(city.admin, '/territories', {
      name: 'Team 2 area',
      geometry: squarePolygon(unitSquare.lng, unitSquare.lat, unitSquare.size),
      orgUnitId: unitId,
    });
    expect(unitTerritory.statusCode).toBe(201);

    await autoAssign(city.admin, { strategy: 'balanced', scope: 'city', dryRun: false });

    const after = await ownersOf(city.tenantId);
    const team2 = new Set(city.reps.slice(3).map((rep) => rep.id));
    for (const customer of city.customers) {
      if (inSquare(square, customer)) expect(after.get(customer.id)).toBe(square.ownerId);
      else if (inSquare(unitSquare, customer)) expect(team2.has(after.get(customer.id)!)).toBe(true);
    }
  });

  it('plans the same with PostGIS and with the plain fallback', async () => {
    const city = await buildCity(5);
    await addSquares(city, [{ ownerId: city.reps[5]!.id, lng: 13.2, lat: 52.4, size: 0.2 }]);
    for (const strategy of ['territory', 'balanced']) {
      const [withDefault, plain] = await Promise.all([
        autoAssign(city.admin, { strategy, scope: 'city', dryRun: true }),
        autoAssign(city.admin, { strategy, scope: 'city', dryRun: true }, plainService),
      ]);
      expect(plain).toEqual(withDefault);
    }
  });

  it("keeps to the caller's scope: a team supervisor moves only the team's customers among the team's reps", async () => {
    const city = await buildCity(6);
    const supervisor = await service.jwks.sign({ tid: city.tenantId, roles: ['supervisor'], org: 'city.team1' });
    const team1 = new Set(city.reps.slice(0, 3).map((rep) => rep.id));

    const plan = await autoAssign(supervisor, { strategy: 'balanced', dryRun: true });
    const outside = await post(supervisor, '/customers/auto-assign', { strategy: 'balanced', scope: 'city.team2', dryRun: true });

    expect(plan.workload.map((entry) => entry.repId).sort()).toEqual([...team1].sort());
    for (const move of plan.moves) {
      expect(team1.has(move.toOwnerId)).toBe(true);
      expect(team1.has(move.fromOwnerId!)).toBe(true);
    }
    expect(outside.statusCode).toBe(400);
  });

  it('takes the users of a tenant-defined rep-like role (own scope, reads customers) as reps, and no one of other tenant roles', async () => {
    const tenantId = randomUUID();
    const role = (name: string, scope: 'own' | 'team', actions: string[]) => ({
      id: randomUUID(),
      tenantId,
      name,
      rank: 10,
      scope,
      requiresTotp: false,
      actions,
      fieldRules: { customer: { unreadable: ['creditLimit'], unwritable: ['grade'] } },
      version: 1,
      builtIn: false,
      updatedAt: new Date().toISOString(),
    });
    await seedRoles(service.app, [
      role('field_rep', 'own', ['customer:read', 'customer:update', 'checkin:create']),
      role('driver', 'own', ['checkin:create']),
      role('back_office', 'team', ['customer:read']),
    ]);
    const [fieldRep, builtInRep, driver, backOffice] = [['field_rep'], ['rep'], ['driver'], ['back_office']].map((roles) =>
      userState({ tenantId, orgPath: 'city.team1', roles }),
    );
    await seedUsers(service.app, [fieldRep!, builtInRep!, driver!, backOffice!]);
    await insertCustomers(dataSource, [0, 1, 2, 3].map((index) => ({ tenantId, grade: 'A', lat: 52.5 + index / 100, lng: 13.4, orgPath: 'city.team1' })));
    const admin = await service.jwks.sign({ tid: tenantId, roles: ['admin'], org: 'city' });

    const plan = await autoAssign(admin, { strategy: 'balanced', scope: 'city', dryRun: false });

    expect(plan.workload.map((entry) => entry.repId).sort()).toEqual([fieldRep!.id, builtInRep!.id].sort());
    expect(plan.workload.map((entry) => entry.after.customers)).toEqual([2, 2]);
    expect(new Set((await ownersOf(tenantId)).values())).toEqual(new Set([fieldRep!.id, builtInRep!.id]));
  });

  it('refuses an impossible home base with 422 and a user outside the caller\'s scope with 422', async () => {
    const city = generateCity(0, 7);
    await seedUsers(service.app, city.reps);
    const supervisor = await service.jwks.sign({ tid: city.tenantId, roles: ['supervisor'], org: 'city.team1' });
    const put = (userId: string, payload: object) =>
      service.app.inject({ method: 'PUT', url: `/api/v1/customers/reps/${userId}/home-base`, headers: { authorization: `Bearer ${supervisor}` }, payload });

    expect((await put(city.reps[0]!.id, { lat: 91, lng: 13 })).statusCode).toBe(422);
    expect((await put(city.reps[4]!.id, { lat: 52, lng: 13 })).json()).toMatchObject({ status: 422, code: 'CUSTOMER_OWNER_UNKNOWN' });
    expect((await put(city.reps[0]!.id, { lat: 52, lng: 13 })).json()).toEqual({ userId: city.reps[0]!.id, lat: 52, lng: 13 });
  });
});
