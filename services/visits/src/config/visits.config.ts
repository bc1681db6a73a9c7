import { Transform, Type } from 'class-transformer';
import { IsIn, IsNumber, IsInt, Matches, Max, Min, ValidateIf } from 'class-validator';
import { type AuthConfig, toAuthConfig, withAuthEnv } from '@fieldforce/auth';
import { BaseServiceEnv, type ServiceConfig, toServiceConfig, toUploadsConfig, type UploadsConfig, withUploadsEnv } from '@fieldforce/platform';

export const DISTANCE_PROVIDERS = ['haversine', 'osrm'] as const;
export type DistanceProviderName = (typeof DISTANCE_PROVIDERS)[number];

const TIME_OF_DAY = /^([01]\d|2[0-3]):[0-5]\d$/;

const integerBetween = (min: number, max: number) => {
  const message = `must be an integer between ${min} and ${max}`;
  return [Type(() => Number), IsInt({ message }), Min(min, { message }), Max(max, { message })];
};

const numberBetween = (min: number, max: number) => {
  const message = `must be a number between ${min} and ${max}`;
  return [Type(() => Number), IsNumber({ allowNaN: false, allowInfinity: false }, { message }), Min(min, { message }), Max(max, { message })];
};

function applyAll(decorators: PropertyDecorator[]): PropertyDecorator {
  return (target, property) => decorators.forEach((decorator) => decorator(target, property));
}

// Keeps anything but the usual spellings of a boolean, so @IsIn reports it with the raw value.
const toBoolean = ({ value }: { value: unknown }): unknown => {
  if (typeof value !== 'string') return value;
  const normalized = value.trim().toLowerCase();
  if (['true', '1', 'yes'].includes(normalized)) return true;
  if (['false', '0', 'no'].includes(normalized)) return false;
  return value;
};

/**
 * The visits service's environment: the shared, auth and uploads (sync, where report photos and
 * signatures are verified) variables, and its own, with this service's defaults.
 */
export class VisitsEnv extends withUploadsEnv(withAuthEnv(BaseServiceEnv)) {
  override PORT = 3003;
  override DATABASE_URL = 'postgres://fieldforce_visits:fieldforce_visits@127.0.0.1:5432/fieldforce';

  /** How the recommended route measures travel: straight lines with a detour factor, or an OSRM routing engine. */
  @IsIn(DISTANCE_PROVIDERS, { message: `must be one of ${DISTANCE_PROVIDERS.join(', ')}` })
  ROUTE_DISTANCE_PROVIDER: DistanceProviderName = 'haversine';

  /** Base URL of the OSRM server (its `table` service), required with ROUTE_DISTANCE_PROVIDER=osrm. */
  @ValidateIf((env: VisitsEnv) => env.ROUTE_DISTANCE_PROVIDER === 'osrm' || env.ROUTE_OSRM_URL !== undefined)
  @Matches(/^https?:\/\/\S+$/, { message: 'must be an http:// or https:// URL (required with ROUTE_DISTANCE_PROVIDER=osrm)' })
  ROUTE_OSRM_URL?: string;

  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'must be an OSRM profile name such as driving' })
  ROUTE_OSRM_PROFILE = 'driving';

  /** An OSRM answer slower than this falls back to straight-line distances for that request. */
  @applyAll(integerBetween(100, 60_000))
  ROUTE_OSRM_TIMEOUT_MS = 3_000;

  /** Road distance per straight-line distance, for the straight-line provider. */
  @applyAll(numberBetween(1, 3))
  ROUTE_DETOUR_FACTOR = 1.3;

  /** Average travel speed between customers, for the straight-line provider. */
  @applyAll(numberBetween(1, 200))
  ROUTE_SPEED_KMH = 30;

  /** The working day a route fits in, in the tenant's time zone (HH:MM). */
  @Matches(TIME_OF_DAY, { message: 'must be a time of day HH:MM' })
  ROUTE_WORKDAY_START = '08:00';

  @Matches(TIME_OF_DAY, { message: 'must be a time of day HH:MM' })
  ROUTE_WORKDAY_END = '18:00';

  /** Runs the reminder scheduler in this replica (one replica at a time is active, by a Redis leader lock). */
  @Transform(toBoolean)
  @IsIn([true, false], { message: 'must be true or false' })
  REMINDERS_ENABLED: boolean = true;

  /**
   * How often the active scheduler looks for due reminders: a reminder fires at most this long after
   * it is due. With the TTL below (both at most 30 s) a reminder fires within a minute even across a failover.
   */
  @applyAll(integerBetween(100, 30_000))
  REMINDER_TICK_INTERVAL_MS = 10_000;

  /** A visit-due reminder fires this long before the customer's visit cycle ends without a completed visit. */
  @applyAll(numberBetween(0.01, 720))
  REMINDER_VISIT_DUE_LEAD_HOURS = 24;

  /** Task-overdue reminders fire for tasks that became overdue at most this many days ago (no flood at first start). */
  @applyAll(integerBetween(1, 365))
  REMINDER_OVERDUE_LOOKBACK_DAYS = 7;

  /** Lifetime of the scheduler's leader lock (how long a dead leader blocks a successor); renewed every third of that. */
  @applyAll(integerBetween(300, 30_000))
  REMINDER_LEADER_TTL_MS = 20_000;

  /** How often each replica marks tasks whose due date ended as missed; 0 turns the sweep off. */
  @applyAll(integerBetween(0, 3_600_000))
  MISSED_TASK_SWEEP_INTERVAL_MS = 60_000;

  /** How long after its due date ended an open task stays overdue (routes put it first) before it counts as missed. */
  @applyAll(integerBetween(0, 2_160))
  MISSED_TASK_GRACE_HOURS = 48;
}

export interface RoutingConfig {
  provider: DistanceProviderName;
  osrm: { url: string | undefined; profile: string; timeoutMs: number };
  detourFactor: number;
  speedKmh: number;
  workday: { start: string; end: string };
}

export interface RemindersConfig {
  enabled: boolean;
  tickIntervalMs: number;
  visitDueLeadHours: number;
  overdueLookbackDays: number;
  leaderTtlMs: number;
}

export interface MissedTasksConfig {
  sweepIntervalMs: number;
  graceHours: number;
}

export type VisitsConfig = ServiceConfig & {
  auth: AuthConfig;
  uploads: UploadsConfig;
  routing: RoutingConfig;
  reminders: RemindersConfig;
  missedTasks: MissedTasksConfig;
};

export const toVisitsConfig = (env: VisitsEnv): VisitsConfig => ({
  ...toServiceConfig('visits', env),
  auth: toAuthConfig(env),
  uploads: toUploadsConfig(env),
  routing: {
    provider: env.ROUTE_DISTANCE_PROVIDER,
    osrm: { url: env.ROUTE_OSRM_URL, profile: env.ROUTE_OSRM_PROFILE, timeoutMs: env.ROUTE_OSRM_TIMEOUT_MS },
    detourFactor: env.ROUTE_DETOUR_FACTOR,
    speedKmh: env.ROUTE_SPEED_KMH,
    workday: { start: env.ROUTE_WORKDAY_START, end: env.ROUTE_WORKDAY_END },
  },
  reminders: {
    enabled: env.REMINDERS_ENABLED,
    tickIntervalMs: env.REMINDER_TICK_INTERVAL_MS,
    visitDueLeadHours: env.REMINDER_VISIT_DUE_LEAD_HOURS,
    overdueLookbackDays: env.REMINDER_OVERDUE_LOOKBACK_DAYS,
    leaderTtlMs: env.REMINDER_LEADER_TTL_MS,
  },
  missedTasks: { sweepIntervalMs: env.MISSED_TASK_SWEEP_INTERVAL_MS, graceHours: env.MISSED_TASK_GRACE_HOURS },
});
