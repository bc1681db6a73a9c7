import { Type } from 'class-transformer';
import { IsInt, Matches, Max, Min } from 'class-validator';
import { type AuthConfig, toAuthConfig, withAuthEnv } from '@fieldforce/auth';
import { BaseServiceEnv, type ServiceConfig, toServiceConfig } from '@fieldforce/platform';
import { type UpstreamService } from '../modules/proxy/route-table';

// Paths are forwarded unchanged (ROUTE_TABLE), so an upstream is an origin: a path would be ignored.
const HTTP_ORIGIN = /^https?:\/\/[^\s/?#]+$/;
const httpOrigin = { message: 'must be an http:// or https:// origin, without a path (http://host:port)' };

const MIB = 1_048_576;

function integerBetween(min: number, max: number): PropertyDecorator {
  const message = `must be an integer between ${min} and ${max}`;
  const decorators = [Type(() => Number), IsInt({ message }), Min(min, { message }), Max(max, { message })];
  return (target, property) => decorators.forEach((decorator) => decorator(target, property));
}

/** The gateway's environment: upstream services, token verification, rate and body limits. */
export class GatewayEnv extends withAuthEnv(BaseServiceEnv) {
  override PORT = 3000;
  // The gateway owns no schema; the shared variable keeps its dev default and is never used.
  override DATABASE_URL = 'postgres://postgres:postgres@127.0.0.1:5432/fieldforce';

  /**
   * The gateway is the public entry: a client-sent X-Forwarded-For must not choose the IP that
   * per-IP rate limits count. Set true only behind a proxy that overwrites that header.
   */
  override TRUST_PROXY = false;

  @Matches(HTTP_ORIGIN, httpOrigin) UPSTREAM_PERMISSIONS_URL = 'http://127.0.0.1:3001';
  @Matches(HTTP_ORIGIN, httpOrigin) UPSTREAM_CUSTOMERS_URL = 'http://127.0.0.1:3002';
  @Matches(HTTP_ORIGIN, httpOrigin) UPSTREAM_VISITS_URL = 'http://127.0.0.1:3003';
  @Matches(HTTP_ORIGIN, httpOrigin) UPSTREAM_CHECKINS_URL = 'http://127.0.0.1:3004';
  @Matches(HTTP_ORIGIN, httpOrigin) UPSTREAM_SYNC_URL = 'http://127.0.0.1:3005';

  /** How long an upstream may take to answer before the gateway gives up with 504. */
  @integerBetween(100, 600_000)
  UPSTREAM_TIMEOUT_MS = 30_000;

  /** Requests per minute of one user (token `tid` + `sub`), over all routes. */
  @integerBetween(1, 1_000_000)
  RATE_LIMIT_USER_PER_MINUTE = 600;

  /** Requests per minute from one client IP, authenticated or not. */
  @integerBetween(1, 1_000_000)
  RATE_LIMIT_IP_PER_MINUTE = 3_000;

  /** Login attempts per minute from one client IP (on top of the permissions service's failure lockout). */
  @integerBetween(1, 1_000_000)
  RATE_LIMIT_LOGIN_PER_MINUTE = 30;

  /** Largest request body of an API route (413 beyond). */
  @integerBetween(1_024, 100 * MIB)
  GATEWAY_JSON_BODY_LIMIT_BYTES = MIB;

  /** Largest request body under /api/v1/uploads (streamed through, never buffered). */
  @integerBetween(1_024, 10_240 * MIB)
  GATEWAY_UPLOAD_BODY_LIMIT_BYTES = 100 * MIB;
}

export interface GatewayConfig extends ServiceConfig {
  auth: AuthConfig;
  upstreams: Record<UpstreamService, string>;
  upstreamTimeoutMs: number;
  rateLimits: { userPerMinute: number; ipPerMinute: number; loginPerMinute: number };
  bodyLimits: { jsonBytes: number; uploadBytes: number };
}

export const toGatewayConfig = (env: GatewayEnv): GatewayConfig => ({
  ...toServiceConfig('gateway', env),
  auth: toAuthConfig(env),
  upstreams: {
    permissions: env.UPSTREAM_PERMISSIONS_URL,
    customers: env.UPSTREAM_CUSTOMERS_URL,
    visits: env.UPSTREAM_VISITS_URL,
    checkins: env.UPSTREAM_CHECKINS_URL,
    sync: env.UPSTREAM_SYNC_URL,
  },
  upstreamTimeoutMs: env.UPSTREAM_TIMEOUT_MS,
  rateLimits: {
    userPerMinute: env.RATE_LIMIT_USER_PER_MINUTE,
    ipPerMinute: env.RATE_LIMIT_IP_PER_MINUTE,
    loginPerMinute: env.RATE_LIMIT_LOGIN_PER_MINUTE,
  },
  bodyLimits: { jsonBytes: env.GATEWAY_JSON_BODY_LIMIT_BYTES, uploadBytes: env.GATEWAY_UPLOAD_BODY_LIMIT_BYTES },
});
