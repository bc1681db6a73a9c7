import { Type } from 'class-transformer';
import { IsInt, IsString, Max, MaxLength, Min, MinLength, ValidateBy } from 'class-validator';
import { BaseServiceEnv, type ServiceConfig, toServiceConfig } from '@fieldforce/platform';

/**
 * Development default of SIGNING_KEY_ENCRYPTION_SECRET. Refused when NODE_ENV=production: a
 * deployment must bring its own secret, or anyone with the repository could read its signing keys.
 */
export const DEV_SIGNING_KEY_ENCRYPTION_SECRET = 'fieldforce-dev-signing-key-secret-do-not-use-in-production';
/** Password of the demo tenant's `admin` when DEMO_ADMIN_PASSWORD is unset. */
export const DEFAULT_DEMO_ADMIN_PASSWORD = 'fieldforce-demo';

function NotTheDevSecretInProduction(): PropertyDecorator {
  return ValidateBy({
    name: 'notTheDevSecretInProduction',
    validator: {
      validate: (value, args) => (args?.object as PermissionsEnv).NODE_ENV !== 'production' || value !== DEV_SIGNING_KEY_ENCRYPTION_SECRET,
      defaultMessage: () => 'must be set to a secret of its own in production',
    },
  });
}

const between = (min: number, max: number) => ({ message: `must be an integer between ${min} and ${max}` });

/** The permissions service's environment: the shared variables with this service's defaults, plus tokens and login limits. */
export class PermissionsEnv extends BaseServiceEnv {
  override PORT = 3001;
  override DATABASE_URL = 'postgres://fieldforce_permissions:fieldforce_permissions@127.0.0.1:5432/fieldforce';

  /** Lifetime of an access token. */
  @Type(() => Number)
  @IsInt(between(30, 86_400))
  @Min(30, between(30, 86_400))
  @Max(86_400, between(30, 86_400))
  ACCESS_TOKEN_TTL_SECONDS = 900;

  /** Lifetime of a refresh token (each use rotates it and starts a new lifetime). */
  @Type(() => Number)
  @IsInt(between(300, 31_536_000))
  @Min(300, between(300, 31_536_000))
  @Max(31_536_000, between(300, 31_536_000))
  REFRESH_TOKEN_TTL_SECONDS = 30 * 24 * 3600;

  /** A new signing key every this many hours; the old public key stays published until its tokens expired. */
  @Type(() => Number)
  @IsInt(between(1, 8_760))
  @Min(1, between(1, 8_760))
  @Max(8_760, between(1, 8_760))
  SIGNING_KEY_ROTATION_HOURS = 24;

  /** Encrypts the signing keys' private halves and the TOTP secrets at rest (AES-256-GCM, key derived by HKDF). */
  @IsString()
  @MinLength(32, { message: 'must be at least 32 characters' })
  @NotTheDevSecretInProduction()
  SIGNING_KEY_ENCRYPTION_SECRET = DEV_SIGNING_KEY_ENCRYPTION_SECRET;

  /** Failed logins of one username (per tenant) within the window before the account is locked. */
  @Type(() => Number)
  @IsInt(between(1, 1_000))
  @Min(1, between(1, 1_000))
  @Max(1_000, between(1, 1_000))
  LOGIN_MAX_FAILURES_PER_USER = 5;

  /** Login attempts from one IP address within the window that are not successful before it is throttled. */
  @Type(() => Number)
  @IsInt(between(1, 100_000))
  @Min(1, between(1, 100_000))
  @Max(100_000, between(1, 100_000))
  LOGIN_MAX_FAILURES_PER_IP = 50;

  /** The window in which failures are counted. */
  @Type(() => Number)
  @IsInt(between(1, 86_400))
  @Min(1, between(1, 86_400))
  @Max(86_400, between(1, 86_400))
  LOGIN_FAILURE_WINDOW_SECONDS = 900;

  /** How long a locked account refuses every login, even with the right password. */
  @Type(() => Number)
  @IsInt(between(1, 86_400))
  @Min(1, between(1, 86_400))
  @Max(86_400, between(1, 86_400))
  LOGIN_LOCKOUT_SECONDS = 900;

  /** Password of the demo tenant's `admin`, used by the dev seed only. */
  @IsString()
  @MinLength(8, { message: 'must be at least 8 characters' })
  @MaxLength(256, { message: 'must be at most 256 characters' })
  DEMO_ADMIN_PASSWORD = DEFAULT_DEMO_ADMIN_PASSWORD;
}

export interface PermissionsConfig extends ServiceConfig {
  tokens: {
    accessTtlSeconds: number;
    refreshTtlSeconds: number;
    rotationIntervalSeconds: number;
    /** Secret from which the at-rest encryption key is derived. */
    encryptionSecret: string;
  };
  login: {
    maxFailuresPerUser: number;
    maxFailuresPerIp: number;
    failureWindowSeconds: number;
    lockoutSeconds: number;
  };
  demo: { adminPassword: string };
}

export const toPermissionsConfig = (env: PermissionsEnv): PermissionsConfig => ({
  ...toServiceConfig('permissions', env),
  tokens: {
    accessTtlSeconds: env.ACCESS_TOKEN_TTL_SECONDS,
    refreshTtlSeconds: env.REFRESH_TOKEN_TTL_SECONDS,
    rotationIntervalSeconds: env.SIGNING_KEY_ROTATION_HOURS * 3600,
    encryptionSecret: env.SIGNING_KEY_ENCRYPTION_SECRET,
  },
  login: {
    maxFailuresPerUser: env.LOGIN_MAX_FAILURES_PER_USER,
    maxFailuresPerIp: env.LOGIN_MAX_FAILURES_PER_IP,
    failureWindowSeconds: env.LOGIN_FAILURE_WINDOW_SECONDS,
    lockoutSeconds: env.LOGIN_LOCKOUT_SECONDS,
  },
  demo: { adminPassword: env.DEMO_ADMIN_PASSWORD },
});
