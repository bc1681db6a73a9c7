import { type AuthConfig } from '../config/auth-config';

export const AUTH_OPTIONS = Symbol('AUTH_OPTIONS');

/** Routes answered without a token besides those marked `@Public()`: health, metrics and the OpenAPI document. */
export const DEFAULT_PUBLIC_PATHS: readonly string[] = ['/health/*', '/metrics', '/openapi.json'];

export interface AuthModuleOptions {
  /**
   * Route paths answered without a token, besides `@Public()` routes; a trailing `/*` matches
   * everything below. Default `DEFAULT_PUBLIC_PATHS`.
   */
  publicPaths?: readonly string[];
  /**
   * Keep the local role policies up to date from role events (default true). Needs the
   * `MessagingModule` and the `role_policies` table in the service's schema.
   */
  rolePolicyEvents?: boolean;
  /** Longest time a tenant's policies stay cached when no change notification arrives. */
  policyCacheTtlMs?: number;
}

export interface ResolvedAuthOptions extends Required<Omit<AuthModuleOptions, 'policyCacheTtlMs'>> {
  config: AuthConfig;
  policyCacheTtlMs?: number;
}
