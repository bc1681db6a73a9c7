import { Type } from 'class-transformer';
import { IsInt, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER, JWKS_PATH } from '@fieldforce/contracts';

/** Where the permissions service publishes its keys when nothing else is configured (local development). */
export const DEFAULT_JWKS_URL = `http://127.0.0.1:3001${JWKS_PATH}`;

/** How a service verifies access tokens. */
export interface AuthConfig {
  /** The permissions service's key set (`/.well-known/jwks.json`). */
  jwksUrl: string;
  issuer: string;
  audience: string;
  /** Allowed clock skew between issuer and verifier for `exp`, `nbf` and `iat`. */
  clockToleranceSeconds: number;
  /** Minimum time between two key set fetches caused by tokens with an unknown `kid`. */
  jwksRefetchCooldownMs: number;
  /** Age after which the key set is refreshed; a failed refresh keeps the keys it has. */
  jwksMaxAgeMs: number;
  /** Time limit of one key set fetch. */
  jwksTimeoutMs: number;
}

/** The variables of `AuthConfig`, as `withAuthEnv` adds them to a service's env class. */
export interface AuthEnvVariables {
  AUTH_JWKS_URL: string;
  AUTH_ISSUER: string;
  AUTH_AUDIENCE: string;
  AUTH_CLOCK_TOLERANCE_SECONDS: number;
  AUTH_JWKS_REFETCH_COOLDOWN_MS: number;
  AUTH_JWKS_MAX_AGE_MS: number;
  AUTH_JWKS_TIMEOUT_MS: number;
}

// TypeScript's mixin pattern requires exactly this constructor type (TS2545), `any[]` included.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type EnvClass = new (...args: any[]) => object;

const integerBetween = (min: number, max: number) => {
  const message = `must be an integer between ${min} and ${max}`;
  return [Type(() => Number), IsInt({ message }), Min(min, { message }), Max(max, { message })];
};

function applyAll(decorators: PropertyDecorator[]): PropertyDecorator {
  return (target, property) => decorators.forEach((decorator) => decorator(target, property));
}

/**
 * Adds the `AUTH_*` variables to a service's env class:
 * `class CustomersEnv extends withAuthEnv(BaseServiceEnv) { ... }`.
 */
export function withAuthEnv<TBase extends EnvClass>(Base: TBase) {
  class AuthEnv extends Base implements AuthEnvVariables {
    @Matches(/^https?:\/\/\S+$/, { message: 'must be an http:// or https:// URL' })
    AUTH_JWKS_URL = DEFAULT_JWKS_URL;

    @IsString()
    @MinLength(1)
    AUTH_ISSUER: string = ACCESS_TOKEN_ISSUER;

    @IsString()
    @MinLength(1)
    AUTH_AUDIENCE: string = ACCESS_TOKEN_AUDIENCE;

    @applyAll(integerBetween(0, 300))
    AUTH_CLOCK_TOLERANCE_SECONDS = 5;

    @applyAll(integerBetween(0, 3_600_000))
    AUTH_JWKS_REFETCH_COOLDOWN_MS = 30_000;

    @applyAll(integerBetween(1_000, 86_400_000))
    AUTH_JWKS_MAX_AGE_MS = 600_000;

    @applyAll(integerBetween(100, 60_000))
    AUTH_JWKS_TIMEOUT_MS = 5_000;
  }
  return AuthEnv;
}

/** Maps the `AUTH_*` variables into the typed `AuthConfig`. */
export function toAuthConfig(env: AuthEnvVariables): AuthConfig {
  return {
    jwksUrl: env.AUTH_JWKS_URL,
    issuer: env.AUTH_ISSUER,
    audience: env.AUTH_AUDIENCE,
    clockToleranceSeconds: env.AUTH_CLOCK_TOLERANCE_SECONDS,
    jwksRefetchCooldownMs: env.AUTH_JWKS_REFETCH_COOLDOWN_MS,
    jwksMaxAgeMs: env.AUTH_JWKS_MAX_AGE_MS,
    jwksTimeoutMs: env.AUTH_JWKS_TIMEOUT_MS,
  };
}
