import { IsInt, Matches, Max, Min } from 'class-validator';
import { Type } from 'class-transformer';
import { BaseServiceEnv, type ServiceConfig, toServiceConfig } from '@fieldforce/platform';
import { type UpstreamService } from '../modules/proxy/route-table';

const HTTP_URL = /^https?:\/\/[^\s/]+(\/\S*)?$/;
const httpUrl = { message: 'must be an http:// or https:// URL' };

/** The gateway's environment: where each upstream service answers, and proxy limits. */
export class GatewayEnv extends BaseServiceEnv {
  override PORT = 3000;
  // The gateway owns no schema; the shared variable keeps its dev default and is never used.
  override DATABASE_URL = 'postgres://postgres:postgres@127.0.0.1:5432/fieldforce';

  @Matches(HTTP_URL, httpUrl) UPSTREAM_PERMISSIONS_URL = 'http://127.0.0.1:3001';
  @Matches(HTTP_URL, httpUrl) UPSTREAM_CUSTOMERS_URL = 'http://127.0.0.1:3002';
  @Matches(HTTP_URL, httpUrl) UPSTREAM_VISITS_URL = 'http://127.0.0.1:3003';
  @Matches(HTTP_URL, httpUrl) UPSTREAM_CHECKINS_URL = 'http://127.0.0.1:3004';
  @Matches(HTTP_URL, httpUrl) UPSTREAM_SYNC_URL = 'http://127.0.0.1:3005';

  /** How long an upstream may take to answer before the gateway gives up with 504. */
  @Type(() => Number)
  @IsInt({ message: 'must be an integer between 100 and 600000' })
  @Min(100, { message: 'must be an integer between 100 and 600000' })
  @Max(600_000, { message: 'must be an integer between 100 and 600000' })
  UPSTREAM_TIMEOUT_MS = 30_000;
}

export interface GatewayConfig extends ServiceConfig {
  upstreams: Record<UpstreamService, string>;
  upstreamTimeoutMs: number;
}

export const toGatewayConfig = (env: GatewayEnv): GatewayConfig => ({
  ...toServiceConfig('gateway', env),
  upstreams: {
    permissions: env.UPSTREAM_PERMISSIONS_URL,
    customers: env.UPSTREAM_CUSTOMERS_URL,
    visits: env.UPSTREAM_VISITS_URL,
    checkins: env.UPSTREAM_CHECKINS_URL,
    sync: env.UPSTREAM_SYNC_URL,
  },
  upstreamTimeoutMs: env.UPSTREAM_TIMEOUT_MS,
});
