import { randomUUID } from 'node:crypto';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { type CheckInStatus } from '@fieldforce/contracts';
import { CheckInsReadModel } from '../src/modules/check-ins/check-ins-read-model';
import { CoverageController } from '../src/modules/coverage-reports/coverage-reports.controller';
import { checkInState } from './support/check-ins';
import { customerState, seedCustomers } from './support/customers';
import { templateInput } from './support/templates';
import { startVisitsTestApp, type VisitsTestApp } from './support/visits-test-app';

const TIME_ZONE = 'Europe/Berlin';
const FROM = '2031-03-01';
const TO = '2031-03-31';
const label = (orgUnitId: string): string => `u${orgUnitId.replace(/-/g, '')}`;

/** A small deterministic generator (mulberry32), so a failure reproduces. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Task {
  id: string;
  customerId: string;
  assigneeId: string | null;
  orgPath: string;
  dueDate: string;
  status: string;
}
interface CheckIn {
  id: string;
  userId: string;
  orgPath: string;
  customerId: string;
  at: string;
  status: CheckInStatus;
}
interface Viewer {
  userId: string;
  scope: 'all' | 'region' | 'team';
  orgPath: string;
}

const localDay = (instant: string): string => new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE }).format(new Date(instant));
const under = (path: string, unit: string): boolean => path === unit || path.startsWith(`${unit}.`);
const pct = (part: number, whole: number): number | null => (whole === 0 ? null : Math.round((part / whole) * 1000) / 10);
const prefixes = (path: string): string[] => path.split('.').map((_, index, labels) => labels.slice(0, index + 1).join('.'));

/** The report as its definition says, computed from the generated facts without SQL. */
function expectedReport(tasks: Task[], checkIns: CheckIn[], viewer: Viewer, orgUnitId?: string) {
  const sees = (ownerId: string | null, path: string): boolean =>
    (viewer.scope === 'all' || ownerId === viewer.userId || under(path, viewer.orgPath)) && (!orgUnitId || path.split('.').includes(label(orgUnitId)));
  const inPeriod = (day: string): boolean => day >= FROM && day <= TO;
  const due = tasks.filter((task) => task.status !== 'cancelled' && inPeriod(task.dueDate) && sees(task.assigneeId, task.orgPath));
  const visitedByCheckIn = new Set(checkIns.filter((c) => c.status !== 'rejected' && inPeriod(localDay(c.at))).map((c) => `${c.userId}|${c.customerId}`));
  const checks = checkIns.filter((c) => inPeriod(localDay(c.at)) && sees(c.userId, c.orgPath));
  const figures = (groupTasks: Task[], groupChecks: CheckIn[]) => {
    const customers = new Set(groupTasks.map((task) => task.customerId));
    const visited = new Set(
      groupTasks
        .filter((task) => visitedByCheckIn.has(`${task.assigneeId}|${task.customerId}`) || groupTasks.some((other) => other.customerId === task.customerId && other.assigneeId === task.assigneeId && other.status === 'completed'))
        .map((task) => task.customerId),
    );
    const completed = groupTasks.filter((task) => task.status === 'completed').length;
    return {
      customersDue: customers.size,
      customersVisited: visited.size,
      coveragePercent: pct(visited.size, customers.size),
      tasksDue: groupTasks.length,
      tasksCompleted: completed,
      tasksMissed: groupTasks.filter((task) => task.status === 'missed').length,
      completionRatePercent: pct(completed, groupTasks.length),
      checkIns: groupChecks.length,
      checkInsFlagged: groupChecks.filter((c) => c.status !== 'verified').length,
    };
  };
  const repIds = [...new Set<string | null>([...due.map((task) => task.assigneeId), ...checks.map((c) => c.userId)])];
  const reps = repIds
    .map((userId) => {
      const mine = due.filter((task) => task.assigneeId === userId);
      const myChecks = checks.filter((c) => c.userId === userId);
      return { userId, orgPath: mine[0]?.orgPath ?? myChecks[0]?.orgPath ?? null, ...figures(mine, myChecks) };
    })
    .sort((a, b) => (a.orgPath ?? '').localeCompare(b.orgPath ?? '') || (a.userId ?? '').localeCompare(b.userId ?? ''));
  const units = [...new Set([...due, ...checks].flatMap((item) => prefixes(item.orgPath)))]
    .filter((path) => (viewer.scope === 'all' || under(path, viewer.orgPath)) && (!orgUnitId || path.split('.').includes(label(orgUnitId))))
    .sort((a, b) => a.localeCompare(b))
    .map((orgPath) => {
      const unitTasks = due.filter((task) => under(task.orgPath, orgPath));
      const unitChecks = checks.filter((c) => under(c.orgPath, orgPath));
      const lastLabel = orgPath.split('.').at(-1)!;
      const hex = lastLabel.slice(1);
      return {
        orgPath,
        orgUnitId: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`,
        depth: orgPath.split('.').length,
        reps: new Set([...unitTasks.flatMap((task) => (task.assigneeId ? [task.assigneeId] : [])), ...unitChecks.map((c) => c.userId)]).size,
        ...figures(unitTasks, unitChecks),
      };
    });
  return { from: FROM, to: TO, timeZone: TIME_ZONE, reps, orgUnits: units };
}

describe(CoverageController.name, () => {
  let service: VisitsTestApp;
  let app: NestFastifyApplication;
  const tenantId = randomUUID();
  const [root, north, south, northA, northB, southA] = Array.from({ length: 6 }, () => randomUUID()) as [string, string, string, string, string, string];
  const paths = {
    root: label(root),
    north: `${label(root)}.${label(north)}`,
    south: `${label(root)}.${label(south)}`,
    northA: `${label(root)}.${label(north)}.${label(northA)}`,
    northB: `${label(root)}.${label(north)}.${label(northB)}`,
    southA: `${label(root)}.${label(south)}.${label(southA)}`,
  };
  const tasks: Task[] = [];
  const checkIns: CheckIn[] = [];
  const token = async (sub: string, roles: string[], org: string) => ({ authorization: `Bearer ${await service.jwks.sign({ sub, tid: tenantId, roles, org })}` });
  const report = async (headers: Record<string, string>, query = `from=${FROM}&to=${TO}`) =>
    app.inject({ method: 'GET', url: `/api/v1/reports/coverage?${query}`, headers });

  beforeAll(async () => {
    service = await startVisitsTestApp({ MISSED_TASK_SWEEP_INTERVAL_MS: '0' });
    app = service.app;
    const admin = await token(randomUUID(), ['admin'], paths.root);
    await app.inject({ method: 'PUT', url: '/api/v1/visit-settings', headers: admin, payload: { timeZone: TIME_ZONE } });
    const templateId = (await app.inject({ method: 'POST', url: '/api/v1/visit-templates', headers: admin, payload: templateInput() })).json().id as string;

    const next = random(20310301);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
    const teams = [paths.northA, paths.northB, paths.southA];
    const reps = teams.flatMap((orgPath) => [0, 1].map(() => ({ id: randomUUID(), orgPath })));
    const customers = reps.flatMap((rep) => Array.from({ length: 3 + Math.floor(next() * 4) }, () => customerState(tenantId, { grade: 'A', ownerId: rep.id, orgPath: rep.orgPath })));
    const unowned = customerState(tenantId, { grade: 'A', ownerId: null, orgPath: paths.northB });
    await seedCustomers(app, [...customers, unowned]);
    const days = ['2031-02-27', '2031-02-28', '2031-03-01', '2031-03-09', '2031-03-15', '2031-03-22', '2031-03-31', '2031-04-01', '2031-04-03'];
    const statuses = ['planned', 'dispatched', 'in_progress', 'completed', 'completed', 'completed', 'missed', 'cancelled'];
    for (const customer of [...customers, unowned]) {
      for (let n = 1 + Math.floor(next() * 3); n > 0; n -= 1) {
        tasks.push({ id: randomUUID(), customerId: customer.id, assigneeId: customer.ownerId, orgPath: customer.orgPath!, dueDate: pick(days), status: pick(statuses) });
      }
    }
    // Instants around the period's edges in Berlin (CET until 30 March, CEST after): 28 Feb 23:30 UTC is 1 March there, 31 March 22:30 UTC is 1 April.
    const instants = ['2031-02-28T22:30:00.000Z', '2031-02-28T23:30:00.000Z', '2031-03-10T09:00:00.000Z', '2031-03-20T15:00:00.000Z', '2031-03-31T21:30:00.000Z', '2031-03-31T22:30:00.000Z'];
    const checkInStatuses: CheckInStatus[] = ['verified', 'verified', 'verified', 'flagged', 'approved', 'rejected'];
    for (const rep of reps) {
      const own = customers.filter((customer) => customer.ownerId === rep.id);
      for (let n = Math.floor(next() * 6); n > 0; n -= 1) {
        // Mostly their own customers; sometimes a colleague's, which the rep has no task for.
        const customer = next() < 0.8 ? pick(own) : pick(customers);
        checkIns.push({ id: randomUUID(), userId: rep.id, orgPath: rep.orgPath, customerId: customer.id, at: pick(instants), status: pick(checkInStatuses) });
      }
    }
    await app.get(DataSource).query(
      `INSERT INTO visits.visit_tasks (id, tenant_id, customer_id, template_id, template_version, status, assignee_id, org_path, due_date, version)
       SELECT id, $1, customer_id, $2, 1, status, assignee_id, org_path, due_date, 1
       FROM unnest($3::uuid[], $4::uuid[], $5::text[], $6::uuid[], $7::text[], $8::date[]) AS t(id, customer_id, status, assignee_id, org_path, due_date)`,
      [
        tenantId,
        templateId,
        tasks.map((task) => task.id),
        tasks.map((task) => task.customerId),
        tasks.map((task) => task.status),
        tasks.map((task) => task.assigneeId),
        tasks.map((task) => task.orgPath),
        tasks.map((task) => task.dueDate),
      ],
    );
    const readModel = app.get(CheckInsReadModel);
    await app.get(DataSource).transaction(async (manager) => {
      for (const c of checkIns) {
        await readModel.apply(manager, checkInState(tenantId, c.userId, c.customerId, c.at, { id: c.id, orgPath: c.orgPath, status: c.status }));
      }
    });
  });

  afterAll(async () => {
    await service?.close();
  });

  it('reports every rep and every org unit of the tenant for an all-scope caller, as the definitions compute them', async () => {
    const adminId = randomUUID();
    const response = await report(await token(adminId, ['admin'], paths.root));

    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toEqual(expectedReport(tasks, checkIns, { userId: adminId, scope: 'all', orgPath: paths.root }));
    // The generated data exercises what the report distinguishes.
    expect(body.orgUnits.map((unit: { depth: number }) => unit.depth).sort()).toEqual([1, 2, 2, 3, 3, 3]);
    expect(body.reps.some((rep: { userId: string | null }) => rep.userId === null)).toBe(true);
    const rootUnit = body.orgUnits.find((unit: { depth: number }) => unit.depth === 1);
    expect(rootUnit.customersVisited).toBeGreaterThan(0);
    expect(rootUnit.customersVisited).toBeLessThan(rootUnit.customersDue);
    expect(rootUnit.checkInsFlagged).toBeGreaterThan(0);
  });

  it("keeps a regional manager and a supervisor to their own region's and team's reps and units", async () => {
    const managerId = randomUUID();
    const supervisorId = randomUUID();
    const region = (await report(await token(managerId, ['regional_manager'], paths.north))).json();
    const team = (await report(await token(supervisorId, ['supervisor'], paths.northA))).json();

    expect(region).toEqual(expectedReport(tasks, checkIns, { userId: managerId, scope: 'region', orgPath: paths.north }));
    expect(region.orgUnits.map((unit: { orgPath: string }) => unit.orgPath).sort()).toEqual([paths.north, paths.northA, paths.northB].sort());
    expect(team).toEqual(expectedReport(tasks, checkIns, { userId: supervisorId, scope: 'team', orgPath: paths.northA }));
    expect(team.orgUnits.map((unit: { orgPath: string }) => unit.orgPath)).toEqual([paths.northA]);
  });

  it('narrows to one org unit and what lies under it', async () => {
    const adminId = randomUUID();
    const response = await report(await token(adminId, ['admin'], paths.root), `from=${FROM}&to=${TO}&orgUnitId=${south}`);

    const body = response.json();
    expect(body).toEqual(expectedReport(tasks, checkIns, { userId: adminId, scope: 'all', orgPath: paths.root }, south));
    expect(body.orgUnits.map((unit: { orgUnitId: string }) => unit.orgUnitId).sort()).toEqual([south, southA].sort());
  });

  it('refuses a rep (no report:read), a period that ends before it starts or spans more than a year, and malformed dates', async () => {
    const admin = await token(randomUUID(), ['admin'], paths.root);
    expect((await report(await token(randomUUID(), ['rep'], paths.northA))).statusCode).toBe(403);
    const backwards = await report(admin, 'from=2031-03-31&to=2031-03-01');
    expect(backwards.statusCode).toBe(422);
    expect(backwards.json()).toMatchObject({ code: 'COVERAGE_INVALID_PERIOD', errors: [{ field: 'to' }] });
    expect((await report(admin, 'from=2031-01-01&to=2032-01-02')).statusCode).toBe(422);
    const malformed = await report(admin, 'from=March&to=2031-03-31&orgUnitId=nope');
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().errors.map((error: { field: string }) => error.field).sort()).toEqual(['from', 'orgUnitId']);
  });
});
