import { type BeforeApplicationShutdown, Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { type FastifyInstance } from 'fastify';
import { type Redis } from 'ioredis';
import { AccessTokenVerifier, VerifiedTokenCache } from '@fieldforce/auth';
import { InjectConfig, InjectRedis } from '@fieldforce/platform';
import { type GatewayConfig } from '../../config/gateway.config';
import { Admission } from '../admission/admission';
import { RATE_LIMIT_BACKOFF_MS, RATE_LIMIT_DECISION_TIMEOUT_MS, RATE_LIMIT_WINDOW_MS, RateLimiter } from '../rate-limit/rate-limiter';
import { registerUpstreamProxies } from './upstream-proxy';

// About 10 MB of tokens at most: the active clients of several minutes.
const VERIFIED_TOKENS_MAX = 10_000;

/** Mounts the upstream proxies, behind the admission checks, on the gateway's Fastify instance before Nest's own routes. */
@Injectable()
class UpstreamProxyRegistrar implements OnModuleInit, BeforeApplicationShutdown {
  private rateLimiter: RateLimiter | undefined;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @InjectConfig() private readonly config: GatewayConfig,
    @InjectRedis() private readonly redis: Redis,
  ) {}

  async onModuleInit(): Promise<void> {
    // The shared client connects lazily; rate limits apply from the first request when Redis is up.
    if (this.redis.status === 'wait') await this.redis.connect().catch(() => undefined);
    this.rateLimiter = new RateLimiter(this.redis, {
      windowMs: RATE_LIMIT_WINDOW_MS,
      timeoutMs: RATE_LIMIT_DECISION_TIMEOUT_MS,
      backoffMs: RATE_LIMIT_BACKOFF_MS,
    });
    const admission = new Admission({
      verifier: new VerifiedTokenCache(new AccessTokenVerifier(this.config.auth), { maxEntries: VERIFIED_TOKENS_MAX }),
      rateLimiter: this.rateLimiter,
      rateLimits: this.config.rateLimits,
      bodyLimits: this.config.bodyLimits,
    });
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    await registerUpstreamProxies(fastify, { upstreams: this.config.upstreams, timeoutMs: this.config.upstreamTimeoutMs, admission });
  }

  /** Requests admitted without asking Redis reach its counts before the shared client quits (on application shutdown). */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.redis.status === 'ready') await this.rateLimiter?.flush();
  }
}

@Module({ providers: [UpstreamProxyRegistrar] })
export class ProxyModule {}
