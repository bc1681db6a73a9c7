import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { type AuthConfig, toAuthConfig, withAuthEnv } from '@fieldforce/auth';
import { BaseServiceEnv, type ServiceConfig, toServiceConfig, toUploadsConfig, type UploadsConfig, withUploadsEnv } from '@fieldforce/platform';

/** Longest retention a tenant may choose for raw track points (ten years). */
export const MAX_TRACK_RETENTION_DAYS = 3650;

const integerBetween = (min: number, max: number) => {
  const message = `must be an integer between ${min} and ${max}`;
  return [Type(() => Number), IsInt({ message }), Min(min, { message }), Max(max, { message })];
};

function applyAll(decorators: PropertyDecorator[]): PropertyDecorator {
  return (target, property) => decorators.forEach((decorator) => decorator(target, property));
}

/**
 * The checkins service's environment: the shared, auth and uploads (sync, where check-in photos are
 * verified) variables, and its own, with this service's defaults.
 */
export class CheckinsEnv extends withUploadsEnv(withAuthEnv(BaseServiceEnv)) {
  override PORT = 3004;
  override DATABASE_URL = 'postgres://fieldforce_checkins:fieldforce_checkins@127.0.0.1:5432/fieldforce';
  // A batch of 1,000 track points is about 200 kB of JSON; leave room for verbose clients.
  override HTTP_BODY_LIMIT_BYTES = 4_194_304;

  /** Days raw track points are kept for a tenant that has not chosen otherwise. */
  @applyAll(integerBetween(1, MAX_TRACK_RETENTION_DAYS))
  TRACK_RETENTION_DAYS = 90;

  /** Daily track partitions are created this many days ahead of today. */
  @applyAll(integerBetween(1, 60))
  TRACK_PARTITIONS_AHEAD_DAYS = 3;

  /** How often partitions are created ahead and expired ones dropped. */
  @applyAll(integerBetween(60_000, 86_400_000))
  TRACK_MAINTENANCE_INTERVAL_MS = 3_600_000;

  /** Geofence radius of a customer when nothing more specific is known. */
  @applyAll(integerBetween(10, 5_000))
  CHECKIN_GEOFENCE_RADIUS_M = 150;

  /** Live positions older than this are not reported. */
  @applyAll(integerBetween(60, 7 * 86_400))
  LIVE_POSITION_MAX_AGE_SECONDS = 86_400;
}

export interface TrackingConfig {
  defaultRetentionDays: number;
  partitionsAheadDays: number;
  maintenanceIntervalMs: number;
  livePositionMaxAgeSeconds: number;
}

export type CheckinsConfig = ServiceConfig & {
  auth: AuthConfig;
  uploads: UploadsConfig;
  tracking: TrackingConfig;
  checkIns: { defaultGeofenceRadiusM: number };
};

export const toCheckinsConfig = (env: CheckinsEnv): CheckinsConfig => ({
  ...toServiceConfig('checkins', env),
  auth: toAuthConfig(env),
  uploads: toUploadsConfig(env),
  tracking: {
    defaultRetentionDays: env.TRACK_RETENTION_DAYS,
    partitionsAheadDays: env.TRACK_PARTITIONS_AHEAD_DAYS,
    maintenanceIntervalMs: env.TRACK_MAINTENANCE_INTERVAL_MS,
    livePositionMaxAgeSeconds: env.LIVE_POSITION_MAX_AGE_SECONDS,
  },
  checkIns: { defaultGeofenceRadiusM: env.CHECKIN_GEOFENCE_RADIUS_M },
});
