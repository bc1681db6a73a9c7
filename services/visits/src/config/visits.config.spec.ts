import { ConfigError, loadConfig } from '@fieldforce/platform';
import { toVisitsConfig, VisitsEnv } from './visits.config';

const load = (env: Record<string, string>) => loadConfig(VisitsEnv, toVisitsConfig, env);

describe(VisitsEnv.name, () => {
  it('plans routes on straight lines and runs reminders by default', () => {
    const config = load({});

    expect(config.routing).toEqual({
      provider: 'haversine',
      osrm: { url: undefined, profile: 'driving', timeoutMs: 3_000 },
      detourFactor: 1.3,
      speedKmh: 30,
      workday: { start: '08:00', end: '18:00' },
    });
    expect(config.reminders).toEqual({ enabled: true, tickIntervalMs: 10_000, visitDueLeadHours: 24, overdueLookbackDays: 7, leaderTtlMs: 20_000 });
  });

  it("verifies report uploads at sync's development address unless told otherwise", () => {
    expect(load({}).uploads).toEqual({ url: 'http://127.0.0.1:3005', timeoutMs: 5_000 });
    expect(load({ UPLOADS_URL: 'http://fieldforce-sync:3005/', UPLOADS_TIMEOUT_MS: '2000' }).uploads).toEqual({ url: 'http://fieldforce-sync:3005', timeoutMs: 2_000 });
  });

  it('takes an OSRM server and the reminder settings from the environment', () => {
    const config = load({
      ROUTE_DISTANCE_PROVIDER: 'osrm',
      ROUTE_OSRM_URL: 'http://osrm:5000',
      ROUTE_DETOUR_FACTOR: '1.25',
      REMINDERS_ENABLED: 'false',
      REMINDER_VISIT_DUE_LEAD_HOURS: '48',
    });

    expect(config.routing).toMatchObject({ provider: 'osrm', osrm: { url: 'http://osrm:5000' }, detourFactor: 1.25 });
    expect(config.reminders).toMatchObject({ enabled: false, visitDueLeadHours: 48 });
  });

  it.each([
    [{ ROUTE_DISTANCE_PROVIDER: 'osrm' }, 'ROUTE_OSRM_URL'],
    [{ ROUTE_DISTANCE_PROVIDER: 'google' }, 'ROUTE_DISTANCE_PROVIDER'],
    [{ ROUTE_WORKDAY_START: '8am' }, 'ROUTE_WORKDAY_START'],
    [{ ROUTE_DETOUR_FACTOR: '0.5' }, 'ROUTE_DETOUR_FACTOR'],
    [{ REMINDER_TICK_INTERVAL_MS: '60000' }, 'REMINDER_TICK_INTERVAL_MS'],
    [{ REMINDER_LEADER_TTL_MS: 'soon' }, 'REMINDER_LEADER_TTL_MS'],
    [{ REMINDERS_ENABLED: 'maybe' }, 'REMINDERS_ENABLED'],
    [{ UPLOADS_URL: 'sync:3005' }, 'UPLOADS_URL'],
    [{ UPLOADS_TIMEOUT_MS: '10' }, 'UPLOADS_TIMEOUT_MS'],
  ])('refuses to start with %j, naming %s', (env, variable) => {
    expect(() => load(env)).toThrow(ConfigError);
    expect(() => load(env)).toThrow(variable);
  });
});
