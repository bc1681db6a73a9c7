import { Type } from 'class-transformer';
import { IsInt, Matches, Max, Min } from 'class-validator';

/** Where sync answers when nothing else is configured (its port in ARCHITECTURE.md, local development). */
export const DEFAULT_UPLOADS_URL = 'http://127.0.0.1:3005';

/** How a service reads sync's upload records before it attaches an upload to one of its own. */
export interface UploadsConfig {
  /** Sync's base URL, called directly (never through the gateway); `/internal/v1/uploads/:id` is below it. */
  url: string;
  /** Longest wait for one verification read; slower counts as sync unavailable (503, retry). */
  timeoutMs: number;
}

/** The variables of `UploadsConfig`, as `withUploadsEnv` adds them to a service's env class. */
export interface UploadsEnvVariables {
  UPLOADS_URL: string;
  UPLOADS_TIMEOUT_MS: number;
}

// TypeScript's mixin pattern requires exactly this constructor type (TS2545), `any[]` included.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type EnvClass = new (...args: any[]) => object;

const TIMEOUT_MESSAGE = 'must be an integer between 100 and 60000';

/**
 * Adds the `UPLOADS_*` variables to the env class of a service that attaches uploads:
 * `class CheckinsEnv extends withUploadsEnv(withAuthEnv(BaseServiceEnv)) { ... }`.
 */
export function withUploadsEnv<TBase extends EnvClass>(Base: TBase) {
  class UploadsEnv extends Base implements UploadsEnvVariables {
    @Matches(/^https?:\/\/[^\s?#]+$/, { message: 'must be an http:// or https:// URL without query or fragment' })
    UPLOADS_URL = DEFAULT_UPLOADS_URL;

    @Type(() => Number)
    @IsInt({ message: TIMEOUT_MESSAGE })
    @Min(100, { message: TIMEOUT_MESSAGE })
    @Max(60_000, { message: TIMEOUT_MESSAGE })
    UPLOADS_TIMEOUT_MS = 5_000;
  }
  return UploadsEnv;
}

/** Maps the `UPLOADS_*` variables into the typed `UploadsConfig` (the URL without a trailing slash). */
export function toUploadsConfig(env: UploadsEnvVariables): UploadsConfig {
  return { url: env.UPLOADS_URL.replace(/\/+$/, ''), timeoutMs: env.UPLOADS_TIMEOUT_MS };
}
