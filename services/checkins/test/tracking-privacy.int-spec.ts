import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { uuidv7 } from '@fieldforce/contracts';
import { PointRejection } from '../src/modules/trajectories/track/track-point';
import { TrajectoriesController } from '../src/modules/trajectories/trajectories.controller';
import { customerState } from './factories/customers';
import { BERLIN, offset } from './factories/track-points';
import { announceCustomers, type CheckinsTestApp, startCheckinsTestApp } from './support/checkins-test-app';

const HOUR = 3_600_000;
const MINUTE = 60_000;
const hhmm = (at: Date): string => at.toISOString().slice(11, 16);
const floorHour = (ms: number): Date => new Date(Math.floor(ms / HOUR) * HOUR);

describe(`${TrajectoriesController.name} (tracking privacy)`, () => {
  let service: CheckinsTestApp;
  let dataSource: DataSource;
  const tenantId = randomUUID();
  const shop = customerState(tenantId, { name: 'Pharmacy', location: BERLIN });
  const tokens = {} as Record<'rep' | 'admin', string>;
  let repId: string;
  // Working hours: a two-hour window that ended at least an hour ago (every day, in UTC).
  const windowStart = floorHour(Date.now() - 3 * HOUR);
  const windowEnd = new Date(windowStart.getTime() + 2 * HOUR);
  const privacy = {
    enabled: true,
    workingHours: { timeZone: 'UTC', days: [1, 2, 3, 4, 5, 6, 7], start: hhmm(windowStart), end: hhmm(windowEnd) },
    duringVisits: true,
  };

  const send = (token: string, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
    service.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, payload });
  const point = (seq: number, capturedAt: Date) => ({ seq, ...offset(BERLIN, 10, 10), accuracyM: 5, capturedAt: capturedAt.toISOString() });
  const checkInPoint = (capturedAt: Date) => ({ ...offset(BERLIN, 5, 5), accuracyM: 5, capturedAt: capturedAt.toISOString(), provider: 'gps', isMock: false });
  const storedCount = async (): Promise<number> => {
    const [row] = await dataSource.query<{ count: string }[]>(`SELECT count(*) FROM checkins.track_points WHERE tenant_id = $1 AND user_id = $2`, [
      tenantId,
      repId,
    ]);
    return Number(row!.count);
  };

  beforeAll(async () => {
    service = await startCheckinsTestApp();
    dataSource = service.app.get(DataSource);
    repId = randomUUID();
    tokens.rep = await service.jwks.sign({ sub: repId, tid: tenantId, roles: ['rep'], org: 'emea.north' });
    tokens.admin = await service.jwks.sign({ sub: randomUUID(), tid: tenantId, roles: ['admin'], org: 'hq', amr: ['pwd', 'otp'] });
    await announceCustomers(service, [shop]);
  });

  afterAll(async () => {
    await service?.close();
  });

  it('is off by default: every valid point is stored', async () => {
    const settings = await send(tokens.admin, 'GET', '/api/v1/trajectories/settings');
    expect(settings.json()).toEqual({ retentionDays: 90, privacy: { enabled: false, workingHours: null, duringVisits: false } });

    const late = new Date(windowEnd.getTime() + 30 * MINUTE);
    const response = await send(tokens.rep, 'POST', '/api/v1/trajectories/points', { deviceId: 'phone-0', points: [point(1, late)] });

    expect(response.json()).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
  });

  it('refuses bad privacy settings with 400 and changes nothing', async () => {
    const bad = [
      { ...privacy, workingHours: { ...privacy.workingHours, timeZone: 'Mars/Olympus' } },
      { ...privacy, workingHours: { ...privacy.workingHours, start: '24:00' } },
      { ...privacy, workingHours: { ...privacy.workingHours, days: [0, 8] } },
      { ...privacy, workingHours: { ...privacy.workingHours, days: [] } },
      { ...privacy, enabled: 'yes' },
      { enabled: true },
    ];
    for (const body of bad) {
      const response = await send(tokens.admin, 'PUT', '/api/v1/trajectories/settings', { retentionDays: 30, privacy: body });
      expect({ body, status: response.statusCode, type: response.headers['content-type'] }).toEqual({
        body,
        status: 400,
        type: expect.stringContaining('application/problem+json'),
      });
    }
    expect((await send(tokens.admin, 'GET', '/api/v1/trajectories/settings')).json()).toMatchObject({ retentionDays: 90, privacy: { enabled: false } });
    expect((await send(tokens.rep, 'PUT', '/api/v1/trajectories/settings', { retentionDays: 30, privacy })).statusCode).toBe(403);
  });

  it('when on, stores points inside the working hours or a visit and refuses the others with a reason', async () => {
    const set = await send(tokens.admin, 'PUT', '/api/v1/trajectories/settings', { retentionDays: 30, privacy });
    expect(set.statusCode).toBe(200);
    expect(set.json()).toEqual({ retentionDays: 30, privacy });
    // A visit after the working hours: checked in 15 minutes after they ended, out 10 minutes later.
    const checkIn = await send(tokens.rep, 'POST', '/api/v1/check-ins', {
      id: uuidv7(),
      customerId: shop.id,
      deviceId: 'phone-1',
      offline: true,
      point: checkInPoint(new Date(windowEnd.getTime() + 15 * MINUTE)),
    });
    expect(checkIn.statusCode).toBe(201);
    const checkOut = await send(tokens.rep, 'POST', `/api/v1/check-ins/${checkIn.json().id}/check-out`, {
      point: checkInPoint(new Date(windowEnd.getTime() + 25 * MINUTE)),
    });
    expect(checkOut.statusCode).toBe(200);
    const before = await storedCount();

    const response = await send(tokens.rep, 'POST', '/api/v1/trajectories/points', {
      deviceId: 'phone-1',
      points: [
        point(1, new Date(windowStart.getTime() - 30 * MINUTE)), // before the hours
        point(2, new Date(windowStart.getTime() + 30 * MINUTE)), // in the hours
        point(3, new Date(windowEnd.getTime() + 5 * MINUTE)), // after the hours, before the visit
        point(4, new Date(windowEnd.getTime() + 20 * MINUTE)), // during the visit
        point(5, new Date(windowEnd.getTime() + 40 * MINUTE)), // after the visit
      ],
    });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      accepted: 2,
      duplicates: 0,
      rejected: [0, 2, 4].map((index) => ({ index, reason: PointRejection.OutsideTrackingWindow, message: expect.any(String) })),
    });
    expect(await storedCount()).toBe(before + 2);
  });

  it('keeps the privacy setting when only the retention changes, and turns it off on request', async () => {
    await send(tokens.admin, 'PUT', '/api/v1/trajectories/settings', { retentionDays: 45 });
    expect((await send(tokens.admin, 'GET', '/api/v1/trajectories/settings')).json()).toEqual({ retentionDays: 45, privacy });

    await send(tokens.admin, 'PUT', '/api/v1/trajectories/settings', { retentionDays: 45, privacy: { ...privacy, enabled: false } });
    const late = new Date(windowEnd.getTime() + 50 * MINUTE);
    const response = await send(tokens.rep, 'POST', '/api/v1/trajectories/points', { deviceId: 'phone-2', points: [point(1, late)] });

    expect(response.json()).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
  });
});
