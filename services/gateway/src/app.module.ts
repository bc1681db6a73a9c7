import { type DynamicModule, Module } from '@nestjs/common';
import { ObservabilityModule } from '@fieldforce/observability';
import { RedisModule } from '@fieldforce/platform';
import { type GatewayConfig } from './config/gateway.config';
import { DocsModule } from './modules/docs/docs.module';
import { UpstreamsHealth } from './modules/health/upstreams.health';
import { ProxyModule } from './modules/proxy/proxy.module';
import { ROUTE_TABLE, UPSTREAM_SERVICES } from './modules/proxy/route-table';
import { RateLimitStoreHealth } from './modules/rate-limit/rate-limit.health';

/** The gateway: the single public entry, verifying tokens and rate limits, routing /api/v1/... to the owning services. */
@Module({})
export class AppModule {
  static forConfig(config: GatewayConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forService({
          service: 'gateway',
          // Redis is reported, not required: rate limits fail open while it is down (see RateLimitStoreHealth).
          health: { checks: [UpstreamsHealth, RateLimitStoreHealth] },
          // pino-http's per-request loggers cost more than proxying a request: proxied requests get the lean log.
          leanRequestLogPrefixes: UPSTREAM_SERVICES.flatMap((service) => ROUTE_TABLE[service]),
        }),
        RedisModule.forRoot(config.redis),
        ProxyModule,
        DocsModule,
      ],
    };
  }
}
