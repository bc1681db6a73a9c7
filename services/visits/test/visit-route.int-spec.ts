import { randomUUID } from 'node:crypto';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { type CustomerState } from '@fieldforce/contracts';
import { RoutesController } from '../src/modules/routes/routes.controller';
import { customerState, seedCustomers } from './support/customers';
import { FakeOsrm, osrmTableAnswer } from './support/fake-osrm';
import { templateInput } from './support/templates';
import { startVisitsTestApp, type VisitsTestApp } from './support/visits-test-app';

const DAY = '2031-03-04';
// Berlin is UTC+1 in March 2031 (summer time starts on the 30th): the 08:00–18:00 day is 07:00Z–17:00Z.
const DAY_START = '2031-03-04T07:00:00.000Z';
const DAY_END = '2031-03-04T17:00:00.000Z';
const ORIGIN = { lat: 52.5, lng: 13.3 };
// Degrees of longitude per kilometre at 52.5° N.
const KM_LNG = 1 / (111.32 * Math.cos((52.5 * Math.PI) / 180));
const east = (km: number) => ({ lat: ORIGIN.lat, lng: ORIGIN.lng + km * KM_LNG });

interface RouteStop {
  taskId: string;
  customerId: string;
  overdue: boolean;
  leg: { distanceMeters: number; durationSeconds: number };
  arrivalAt: string;
  startAt: string;
  departAt: string;
  window: { earliest: string; latest: string };
}

describe(RoutesController.name, () => {
  let service: VisitsTestApp;
  let app: NestFastifyApplication;
  const tenantId = randomUUID();
  const repId = randomUUID();
  const otherRepId = randomUUID();
  let admin: Record<string, string>;
  let rep: Record<string, string>;
  let supervisor: Record<string, string>;
  let foreignSupervisor: Record<string, string>;
  // Created in this order, so due-date-then-id order (the naive route) zigzags east and west.
  const zigzagKm = [1, 9, 2, 8, 3, 7, 4, 6, 5];
  const onTime = zigzagKm.map((km, index) => customerState(tenantId, { name: `Shop ${km} km`, grade: 'A', ownerId: repId, orgPath: 'hq.north', location: east(km), version: 1, externalId: `z${index}` }));
  const overdue = [11, 12].map((km) => customerState(tenantId, { name: `Late ${km} km`, grade: 'A', ownerId: repId, orgPath: 'hq.north', location: east(km) }));
  const nowhere = customerState(tenantId, { name: 'No address yet', grade: 'A', ownerId: repId, orgPath: 'hq.north', location: null });
  const othersShop = customerState(tenantId, { name: 'Not yours', grade: 'A', ownerId: otherRepId, orgPath: 'hq.south', location: east(1.5) });
  const taskOf = new Map<string, string>();

  const createTask = async (customer: CustomerState, dueDate: string) => {
    const response = await app.inject({ method: 'POST', url: '/api/v1/visit-tasks', headers: admin, payload: { customerId: customer.id, dueDate } });
    expect(response.statusCode).toBe(201);
    taskOf.set(response.json().id, customer.id);
    return response.json().id as string;
  };
  const route = (headers: Record<string, string>, query: string) => app.inject({ method: 'GET', url: `/api/v1/visit-tasks/route?${query}`, headers });
  const start = `start=${ORIGIN.lat},${ORIGIN.lng}`;

  beforeAll(async () => {
    service = await startVisitsTestApp();
    app = service.app;
    const sign = (sub: string, roles: string[], org: string) => service.jwks.sign({ sub, tid: tenantId, roles, org }).then((token) => ({ authorization: `Bearer ${token}` }));
    admin = await sign(randomUUID(), ['admin'], 'hq');
    rep = await sign(repId, ['rep'], 'hq.north');
    supervisor = await sign(randomUUID(), ['supervisor'], 'hq');
    foreignSupervisor = await sign(randomUUID(), ['supervisor'], 'hq.south');
    await seedCustomers(app, [...onTime, ...overdue, nowhere, othersShop]);
    expect((await app.inject({ method: 'PUT', url: '/api/v1/visit-settings', headers: admin, payload: { timeZone: 'Europe/Berlin' } })).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: '/api/v1/visit-templates', headers: admin, payload: templateInput({ expectedDurationMinutes: 30 }) })).statusCode).toBe(201);
    for (const customer of onTime) await createTask(customer, DAY);
    for (const customer of overdue) await createTask(customer, '2031-03-02');
    await createTask(nowhere, DAY);
    await createTask(othersShop, DAY);
    // Not part of the day: due later, or done with.
    await createTask(onTime[0]!, '2031-03-05');
    const cancelled = await createTask(onTime[1]!, DAY);
    await app.inject({ method: 'POST', url: `/api/v1/visit-tasks/${cancelled}/cancel`, headers: admin, payload: { reason: 'closed' } });
  });

  afterAll(async () => {
    await service?.close();
  });

  it("orders the rep's day geographically, overdue visits included, with legs, ETAs and the total, shorter than the due-date order", async () => {
    const response = await route(rep, `date=${DAY}&${start}`);

    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ date: DAY, timeZone: 'Europe/Berlin', assigneeId: repId, distanceSource: 'haversine', warnings: [], departAt: DAY_START, workdayEndsAt: DAY_END });
    const customers = (body.stops as RouteStop[]).map((stop) => stop.customerId);
    // Travelling east from the origin: every shop in order of its distance, then the two late ones at 11 and 12 km.
    const byKm = [...onTime].sort((a, b) => a.location!.lng - b.location!.lng);
    expect(customers).toEqual([...byKm, ...overdue].map((customer) => customer.id));
    expect((body.stops as RouteStop[]).filter((stop) => stop.overdue).map((stop) => stop.customerId)).toEqual(overdue.map((customer) => customer.id));
    const legs = (body.stops as RouteStop[]).reduce((sum, stop) => sum + stop.leg.distanceMeters, 0);
    expect(Math.abs(legs - body.totalDistanceMeters)).toBeLessThanOrEqual(body.stops.length);
    // 12 km east × 1.3 detour factor, give or take rounding.
    expect(body.totalDistanceMeters).toBeGreaterThan(15_500);
    expect(body.totalDistanceMeters).toBeLessThan(15_700);
    expect(body.naive.scheduled).toBe(11);
    expect(body.naive.totalDistanceMeters).toBeGreaterThan(body.totalDistanceMeters * 2);

    const [first, second] = body.stops as RouteStop[];
    // 1 km × 1.3 at 30 km/h is 156 s; each visit lasts the template's 30 minutes.
    expect(first!.leg.durationSeconds).toBeGreaterThan(150);
    expect(first!.leg.durationSeconds).toBeLessThan(160);
    expect(Math.abs(Date.parse(first!.arrivalAt) - Date.parse(DAY_START) - first!.leg.durationSeconds * 1000)).toBeLessThanOrEqual(500);
    expect(Date.parse(first!.departAt) - Date.parse(first!.startAt)).toBe(30 * 60 * 1000);
    expect(Date.parse(second!.arrivalAt)).toBeGreaterThan(Date.parse(first!.departAt));
    expect(first!.window).toEqual({ earliest: DAY_START, latest: '2031-03-04T16:30:00.000Z' });

    expect(body.unscheduled).toEqual([expect.objectContaining({ customerId: nowhere.id, reason: 'no-location', overdue: false })]);
    const others = customers.filter((id) => id === othersShop.id);
    expect(others).toEqual([]);
  });

  it('keeps the overdue visits when the rest of the day cannot hold everything, and says why the others are left out', async () => {
    // Setting off at 15:00 local leaves three hours: about five half-hour visits.
    const response = await route(rep, `date=${DAY}&${start}&departAt=2031-03-04T14:00:00Z&end=${ORIGIN.lat},${ORIGIN.lng}`);

    expect(response.statusCode).toBe(200);
    const body = response.json();
    const placed = (body.stops as RouteStop[]).map((stop) => stop.customerId);
    expect(placed).toEqual(expect.arrayContaining(overdue.map((customer) => customer.id)));
    expect(placed.length).toBeGreaterThanOrEqual(3);
    expect(placed.length).toBeLessThan(11);
    expect(body.endLeg).toMatchObject({ distanceMeters: expect.any(Number), arrivalAt: expect.any(String) });
    expect(Date.parse((body.stops as RouteStop[]).at(-1)!.departAt)).toBeLessThanOrEqual(Date.parse(DAY_END));
    const left = (body.unscheduled as { customerId: string; reason: string; overdue: boolean }[]).filter((item) => item.reason === 'day-full');
    expect(left.length).toBe(11 - placed.length);
    expect(left.every((item) => !item.overdue)).toBe(true);
  });

  it("lets a supervisor plan a rep of the team; a rep only their own day; a supervisor elsewhere sees none of the rep's tasks", async () => {
    const mine = (await route(rep, `date=${DAY}&${start}`)).json();
    const bySupervisor = await route(supervisor, `date=${DAY}&${start}&assigneeId=${repId}`);
    expect(bySupervisor.statusCode).toBe(200);
    expect(bySupervisor.json().stops.map((stop: RouteStop) => stop.taskId)).toEqual(mine.stops.map((stop: RouteStop) => stop.taskId));

    const foreign = await route(rep, `date=${DAY}&${start}&assigneeId=${otherRepId}`);
    expect(foreign.statusCode).toBe(403);
    expect(foreign.headers['content-type']).toContain('application/problem+json');
    expect(foreign.json()).toMatchObject({ code: 'ROUTE_ASSIGNEE_OUT_OF_SCOPE', errors: [{ field: 'assigneeId' }] });

    const elsewhere = await route(foreignSupervisor, `date=${DAY}&${start}&assigneeId=${repId}`);
    expect(elsewhere.statusCode).toBe(200);
    expect(elsewhere.json()).toMatchObject({ stops: [], unscheduled: [], totalDistanceMeters: 0 });
  });

  it('answers an empty route for a day without tasks', async () => {
    const response = await route(rep, `date=2031-02-01&${start}`);

    expect(response.json()).toMatchObject({ stops: [], unscheduled: [], totalDistanceMeters: 0, finishesAt: '2031-02-01T07:00:00.000Z' });
  });

  it.each([
    ['no start', `date=${DAY}`, 'start'],
    ['a start that is not lat,lng', `date=${DAY}&start=somewhere`, 'start'],
    ['a latitude beyond 90', `date=${DAY}&start=95.1,13.4`, 'start'],
    ['a day that does not exist', `date=2031-02-30&${start}`, 'date'],
    ['an assignee that is not a UUID', `date=${DAY}&${start}&assigneeId=bob`, 'assigneeId'],
    ['a departure that is not an instant', `date=${DAY}&${start}&departAt=soon`, 'departAt'],
    ['an end beyond 180° of longitude', `date=${DAY}&${start}&end=52.5,181`, 'end'],
  ])('refuses %s with a 400 problem naming the field (and the /:id route never sees it)', async (_, query, field) => {
    const response = await route(rep, query);

    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json().errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
  });

  it('still serves a task by id beside /route', async () => {
    const [taskId] = [...taskOf.keys()];
    expect((await app.inject({ method: 'GET', url: `/api/v1/visit-tasks/${taskId}`, headers: admin })).statusCode).toBe(200);
  });

  describe('with ROUTE_DISTANCE_PROVIDER=osrm', () => {
    let osrm: FakeOsrm;
    let routed: VisitsTestApp;
    let routedRep: Record<string, string>;

    beforeAll(async () => {
      osrm = await FakeOsrm.start();
      routed = await startVisitsTestApp({ ROUTE_DISTANCE_PROVIDER: 'osrm', ROUTE_OSRM_URL: osrm.url, ROUTE_OSRM_TIMEOUT_MS: '500' });
      routedRep = { authorization: `Bearer ${await routed.jwks.sign({ sub: repId, tid: tenantId, roles: ['rep'], org: 'hq.north' })}` };
    });

    afterAll(async () => {
      await routed?.close();
      await osrm?.stop();
    });

    it("measures the legs with the routing engine's table", async () => {
      osrm.respond = (url) => ({ status: 200, body: osrmTableAnswer(url) });
      const response = await routed.app.inject({ method: 'GET', url: `/api/v1/visit-tasks/route?date=${DAY}&${start}`, headers: routedRep });

      expect(response.statusCode).toBe(200);
      const body = response.json();
      expect(body.distanceSource).toBe('osrm');
      expect(osrm.requests.at(-1)).toMatch(/^\/table\/v1\/driving\/13\.300000,52\.500000;.*\?annotations=distance,duration$/);
      // The fake's roads are 1.2 × the straight line (haversine uses 1.3), at 12 m/s.
      expect(body.totalDistanceMeters).toBeGreaterThan(14_300);
      expect(body.totalDistanceMeters).toBeLessThan(14_450);
      expect(body.stops[0].leg.durationSeconds).toBe(Math.round(body.stops[0].leg.distanceMeters / 12));
    });

    it('falls back to straight lines with a warning when the routing engine fails', async () => {
      osrm.respond = () => ({ status: 200, body: '{}', delayMs: 1_500 });
      const response = await routed.app.inject({ method: 'GET', url: `/api/v1/visit-tasks/route?date=${DAY}&${start}`, headers: routedRep });

      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ distanceSource: 'haversine', warnings: [expect.stringContaining('no answer within 500 ms')] });
      expect(response.json().stops).toHaveLength(11);
    });
  });
});
